//! The ledger (发送记录), 未收到排查 and campaign statistics as the browser sees them. Phones
//! are always masked.

use serde::{Deserialize, Serialize};

pub use types::LedgerQuery;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign: String,
    pub user_id: Option<String>,
    pub phone_masked: String,
    pub vendor_label: String,
    pub sandbox: bool,
    pub msg_id: Option<String>,
    pub submit_code: Option<String>,
    pub submitted_at: Option<String>,
    pub receipt_status: Option<String>,
    pub receipt_time: Option<String>,
    pub category: String,
    pub category_label: String,
    pub explanation: String,
    pub units: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    /// The `before` value of the next page, when there may be one.
    pub next: Option<i64>,
    /// (id, name) of every campaign, for the filter.
    pub campaigns: Vec<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub at: String,
    pub what: String,
    pub detail: String,
}

/// One message to the phone under investigation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TracedMessage {
    pub row: LedgerRow,
    pub steps: Vec<TraceStep>,
    pub advice: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneTrace {
    pub phone_masked: String,
    pub user_id: Option<String>,
    pub messages: Vec<TracedMessage>,
    /// (time, content) of replies from this phone.
    pub replies: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsView {
    pub targets: u64,
    pub submitted: u64,
    pub delivered: u64,
    pub failed: u64,
    pub pending: u64,
    pub timeout: u64,
    pub unknown: u64,
    pub in_progress: u64,
    pub cancelled: u64,
    /// (category label, reason, messages)
    pub failures: Vec<(String, String, u64)>,
    /// (label HH:MM:SS, delivered)
    pub over_time: Vec<(String, u64)>,
    /// (carrier, targets, delivered, failed)
    pub carriers: Vec<(String, u64, u64, u64)>,
    /// Phones that failed for reasons a resend can fix (number or account problems, timeouts).
    pub resendable: u64,
}
