//! 发送记录, 未收到排查, campaign statistics and 重发失败.

use crate::dto::ledger::{LedgerPage, LedgerQuery, PhoneTrace, StatsView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// One page of the ledger, newest first.
#[server(prefix = "/api", endpoint = "ledger/page", input = Json)]
pub async fn load_ledger(query: LedgerQuery) -> Result<LedgerPage, AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    let filter = convert::filter(&query, 50)?;
    if let Some(phone) = &filter.phone {
        super::lookups::full_phone(&state, &account.username, phone, "发送记录").await?;
    }
    let entries = engine::ledger::query::page(&state.db, &filter, state.receipt_timeout_secs).await?;
    let next = (entries.len() == 50).then(|| entries.last().map(|e| e.id)).flatten();
    let campaigns = engine::campaigns::list(&state.db).await?.into_iter().map(|c| (c.id, c.name)).collect();
    Ok(LedgerPage { rows: entries.iter().map(convert::row).collect(), next, campaigns })
}

/// 未收到排查: every message to a phone — typed, the phone of `user_id`, or the phone of ledger
/// message `message` — with its timeline.
#[server(prefix = "/api", endpoint = "ledger/trace", input = Json)]
pub async fn trace_phone(phone: String, user_id: String, message: Option<i64>) -> Result<PhoneTrace, AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    let typed = user_id.trim().is_empty() && message.is_none();
    let (phone, user) = convert::phone_for(&state, &phone, &user_id, message).await?;
    if typed {
        super::lookups::full_phone(&state, &account.username, &phone, "未收到排查").await?;
    }
    let filter = engine::ledger::query::Filter { phone: Some(phone.clone()), limit: 50, ..Default::default() };
    let entries = engine::ledger::query::page(&state.db, &filter, state.receipt_timeout_secs).await?;
    let mut messages = Vec::with_capacity(entries.len());
    for e in &entries {
        let steps = engine::ledger::query::timeline(&state.db, e).await?;
        messages.push(convert::traced(e, steps));
    }
    let replies = engine::ledger::inbound::of_phone(&state.db, &phone).await?;
    Ok(PhoneTrace {
        phone_masked: engine::phone::mask(&phone),
        user_id: user,
        messages,
        replies: replies.into_iter().map(|(t, c)| (engine::clock::display(t), c)).collect(),
    })
}

/// Campaign statistics (cached per campaign, see `ServerState::campaign_stats`).
#[server(prefix = "/api", endpoint = "campaigns/stats", input = Json)]
pub async fn campaign_stats(id: i64) -> Result<StatsView, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let (s, resendable) = state.campaign_stats(id).await?;
    Ok(convert::stats(s, resendable))
}

/// 重发失败: a list segment of the phones a resend can help and a draft campaign copying this
/// one, to check and start like any other. Returns the new campaign's id.
#[server(prefix = "/api", endpoint = "campaigns/resend-failed", input = Json)]
pub async fn resend_failed(id: i64) -> Result<i64, AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let new = convert::resend(&state, id, &account.username).await?;
    tracing::info!(user = %account.username, campaign = id, follow_up = new, "resend to failed created");
    let detail = format!("新活动 #{new}");
    super::session::audit(&state, &account.username, "campaign_resend_failed", &format!("活动 #{id}"), &detail).await?;
    Ok(new)
}

#[cfg(feature = "ssr")]
mod convert;
#[cfg(feature = "ssr")]
pub use convert::{day_bound, filter};
