//! Full-phone lookups — 用户细查 by phone, the ledger's phone filter, 未收到排查 — confirm
//! whether a number is known to chuda, even to a read-only account that only ever sees masked
//! numbers. Each one is therefore written to the audit log (the number masked) and limited
//! per account ([`PER_WINDOW`] per 10 minutes).

use crate::error::AppError;
use crate::state::ServerState;

/// Full-phone lookups an account may make per 10 minutes.
pub const PER_WINDOW: usize = 60;

/// The limiter kept in the server state.
pub fn limiter() -> engine::auth::RateLimit {
    engine::auth::RateLimit::new(PER_WINDOW, std::time::Duration::from_secs(600))
}

/// Charges and audits one lookup of the full number `phone` by `actor` from `place`.
pub async fn full_phone(state: &ServerState, actor: &str, phone: &str, place: &str) -> Result<(), AppError> {
    if let Err(wait) = state.lookups.take(actor) {
        tracing::warn!(user = %actor, place, "full-phone lookups over the limit");
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Err(AppError::Rejected {
            message: format!("按完整手机号查询过于频繁（每 10 分钟最多 {PER_WINDOW} 次），请 {minutes} 分钟后再试"),
        }
        .with_status());
    }
    let masked = engine::phone::mask(phone);
    super::session::audit(state, actor, "lookup_phone", &masked, place).await
}
