//! Compliance (合规): whether a message may go out. Owns the message type (营销 / 通知), the
//! content rules (the refusal suffix 拒收请回复R on marketing content, none on notifications,
//! no extra 【】), the marketing send window, per-phone frequency caps, the suppression list
//! (退订名单, fed by replies and operators) and the installation's policy.
//!
//! Both planning (the reconciliation the operator sees, the snapshot) and dispatch (the last
//! check inside the claim transaction) call this module, so the numbers shown before a start
//! and what is enforced at send time come from the same rules. The vendor clients never decide
//! policy. Every refusal has a ledger status (`suppressed`, `capped`) and a Chinese reason.
//!
//! Defaults are on for a new installation (marketing window 08:00–21:00 Beijing time, at most
//! 3 marketing messages per phone per Beijing day, suppressed phones never get marketing).

pub mod caps;
pub mod content;
pub mod retention;
pub mod suppress;
pub mod window;

use crate::Db;
use serde::{Deserialize, Serialize};

pub use content::{content_errors, ends_with_suffix, SUFFIX};
pub use types::MessageKind;
pub use window::Window;

/// The installation's rules, edited under 短信配置 → 合规设置.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// Marketing send window in Beijing time (campaigns may override it).
    pub window: Window,
    /// Marketing messages per phone per Beijing calendar day across all campaigns; 0 = no cap.
    pub daily_cap: u32,
    /// Marketing messages per phone in the last 7 Beijing days (today included); 0 = no cap.
    pub weekly_cap: u32,
    /// Whether suppressed phones also stop receiving notifications (default: they still do).
    pub suppress_notifications: bool,
    /// An attribute recording the user's consent to marketing (是/否); empty = not used.
    pub consent_attribute: String,
    /// Marketing goes only to users whose consent attribute is 是.
    pub require_consent: bool,
    /// Ledger rows are kept at least this many days (the 2026 rules ask for ≥ 180).
    pub retention_days: u32,
}

pub const DEFAULT_DAILY_CAP: u32 = 3;
pub const MIN_RETENTION_DAYS: u32 = 180;

impl Default for Policy {
    fn default() -> Self {
        Self {
            window: Window::default(),
            daily_cap: DEFAULT_DAILY_CAP,
            weekly_cap: 0,
            suppress_notifications: false,
            consent_attribute: String::new(),
            require_consent: false,
            retention_days: MIN_RETENTION_DAYS,
        }
    }
}

impl Policy {
    /// Field errors of a policy an operator submitted.
    pub fn check(&self) -> Vec<crate::validate::FieldError> {
        use crate::validate::FieldError;
        let mut errors = Vec::new();
        if let Err(m) = self.window.check() {
            errors.push(FieldError::new("window", m));
        }
        if self.daily_cap > 1_000 {
            errors.push(FieldError::new("daily_cap", "每日上限需在 0–1000 之间（0 表示不限）"));
        }
        if self.weekly_cap > 10_000 {
            errors.push(FieldError::new("weekly_cap", "7 日上限需在 0–10000 之间（0 表示不限）"));
        }
        if self.weekly_cap > 0 && self.daily_cap > self.weekly_cap {
            errors.push(FieldError::new("weekly_cap", "7 日上限不能小于每日上限"));
        }
        if self.require_consent && self.consent_attribute.trim().is_empty() {
            errors.push(FieldError::new("consent_attribute", "要求营销同意时，请填写记录同意的属性"));
        }
        if self.retention_days < MIN_RETENTION_DAYS {
            errors.push(FieldError::new("retention_days", "发送记录至少保留 180 天（2026 年起的规定）"));
        }
        errors
    }

    /// Whether caps apply to messages of `kind`.
    pub fn capped(&self, kind: MessageKind) -> bool {
        kind == MessageKind::Marketing && (self.daily_cap > 0 || self.weekly_cap > 0)
    }

    /// Whether the suppression list applies to messages of `kind`.
    pub fn suppresses(&self, kind: MessageKind) -> bool {
        kind == MessageKind::Marketing || self.suppress_notifications
    }
}

const POLICY_KEY: &str = "compliance_policy";

#[derive(Debug, thiserror::Error)]
pub enum ComplianceError {
    #[error("invalid input")]
    Invalid(Vec<crate::validate::FieldError>),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// The stored policy, or the defaults when none was saved (or it cannot be read).
pub async fn policy(db: &Db) -> Result<Policy, ComplianceError> {
    let raw = crate::settings::repo::get_value(db, POLICY_KEY).await?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// Validates and stores the policy; waiting campaigns re-check their window at once.
pub async fn save_policy(db: &Db, p: &Policy) -> Result<Policy, ComplianceError> {
    let mut p = p.clone();
    p.consent_attribute = p.consent_attribute.trim().to_owned();
    let errors = p.check();
    if !errors.is_empty() {
        return Err(ComplianceError::Invalid(errors));
    }
    let json = serde_json::to_string(&p).unwrap_or_default();
    let now = crate::clock::now();
    crate::settings::repo::set_value(db, POLICY_KEY, &json, now).await?;
    sqlx::query("UPDATE campaigns SET resume_at = ? WHERE status = 'waiting'").bind(now).execute(db).await?;
    Ok(p)
}

/// Why a planned or claimed message does not go out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    /// On the suppression list; the reason names the source and time.
    Suppressed(String),
    /// Over a frequency cap.
    Capped(String),
    /// Marketing without the user's recorded consent.
    NoConsent,
}

impl Exclusion {
    /// The recipient status the ledger shows.
    pub fn status(&self) -> &'static str {
        match self {
            Exclusion::Suppressed(_) => "suppressed",
            Exclusion::Capped(_) => "capped",
            Exclusion::NoConsent => "no_consent",
        }
    }

    pub fn reason(&self) -> String {
        match self {
            Exclusion::Suppressed(r) | Exclusion::Capped(r) => r.clone(),
            Exclusion::NoConsent => "该用户没有营销同意记录（合规设置要求营销短信须有同意），未发送".into(),
        }
    }
}

#[cfg(test)]
mod tests;
