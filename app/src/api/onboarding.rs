//! The first-run checklist (开始使用) on the home page: its state for the signed-in account
//! (never shown to 只读 accounts), and hiding or showing it again.

use crate::dto::Onboarding;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "onboarding/status", input = Json)]
pub async fn load_onboarding() -> Result<Onboarding, AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    let p = engine::onboarding::progress(&state.db).await?;
    // 只读 accounts cannot take the steps: the checklist is not theirs.
    let dismissed = !account.role.allows(engine::auth::Role::Operator)
        || engine::onboarding::dismissed(&state.db, account.id).await.map_err(|e| AppError::internal(&e))?;
    Ok(Onboarding {
        phone_attribute: p.phone_attribute,
        vendor: p.vendor,
        users: p.users,
        segment: p.segment,
        campaign: p.campaign,
        dismissed,
    })
}

/// Hides the checklist for this account (`false` shows it again).
#[server(prefix = "/api", endpoint = "onboarding/dismiss", input = Json)]
pub async fn dismiss_onboarding(dismissed: bool) -> Result<(), AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    engine::onboarding::set_dismissed(&state.db, account.id, dismissed).await.map_err(|e| AppError::internal(&e))
}
