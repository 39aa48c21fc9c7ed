//! Compliance as the console sees it: the policy form, content verdicts and the suppression
//! list (phones masked).

use serde::{Deserialize, Serialize};

/// 合规设置 as shown and submitted. Times are `HH:MM` Beijing time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyForm {
    pub window_start: String,
    pub window_end: String,
    pub daily_cap: u32,
    pub weekly_cap: u32,
    pub suppress_notifications: bool,
    pub consent_attribute: String,
    pub require_consent: bool,
    pub retention_days: u32,
}

/// The builder's live content check.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentCheck {
    /// Problems in Chinese; empty when the content may be sent as this type.
    pub problems: Vec<String>,
    /// The content with 拒收请回复R appended, offered when a marketing message lacks it.
    pub with_suffix: Option<String>,
    /// Characters and billing units with the signature (suffix included).
    pub chars: u64,
    pub units: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionRow {
    pub phone_masked: String,
    pub source: String,
    pub vendor: String,
    pub detail: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionPage {
    pub total: u64,
    pub rows: Vec<SuppressionRow>,
    /// Cursor (row offset) of the next page, if any.
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuppressionAdded {
    pub added: u64,
    pub already: u64,
    /// Inputs that are not mainland mobiles.
    pub invalid: Vec<String>,
}
