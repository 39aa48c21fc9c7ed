//! Campaigns as the builder and the campaign pages see them.

use serde::{Deserialize, Serialize};
pub use types::{BindingForm, CampaignForm};

/// What the builder can offer: segments, vendors that can send, attributes for bindings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderOptions {
    /// The installation's marketing window, e.g. `08:00–21:00`, and the daily cap (0 = none).
    pub window: String,
    pub daily_cap: u32,
    /// (id, name, last counted members)
    pub segments: Vec<(i64, String, Option<u64>)>,
    pub vendors: Vec<VendorOption>,
    /// (name, type)
    pub attributes: Vec<(String, String)>,
    /// Beijing time when the options were built, `yyyy-MM-ddTHH:mm` (the schedule picker's minimum).
    pub now: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorOption {
    /// `chuanglan` or `aliyun`.
    pub id: String,
    pub label: String,
    pub signature: String,
    pub sandbox: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    pub members: u64,
    pub no_phone: u64,
    pub invalid_phone: u64,
    pub duplicate_phone: u64,
    pub missing_values: u64,
    /// 已退订, 超频 and 无营销同意: members compliance keeps from receiving it.
    pub suppressed: u64,
    pub capped: u64,
    pub no_consent: u64,
    pub messages: u64,
    pub units: u64,
    /// The send window that applies (marketing), e.g. `08:00–21:00`, and whether sending would
    /// wait for it now (or at the scheduled time), with the time it would begin.
    pub window: Option<String>,
    pub hold_note: Option<String>,
    /// (masked phone, text, characters, units)
    pub samples: Vec<(String, String, u64, u32)>,
    /// What is known about the template's approval, in Chinese.
    pub template_note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    pub id: i64,
    pub name: String,
    /// 营销 / 通知/行业
    pub kind_label: String,
    pub status: String,
    pub status_label: String,
    pub status_reason: Option<String>,
    pub vendor_label: String,
    pub sandbox: bool,
    pub planned: Option<u64>,
    pub submitted: u64,
    pub failed: u64,
    pub unknown: u64,
    pub queued: u64,
    /// Kept from going out by compliance (退订, 超频, 无同意).
    pub blocked: u64,
    pub created_at: String,
    pub scheduled_at: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CampaignDetail {
    pub row: CampaignRow,
    pub segment: String,
    pub signature: String,
    pub content: String,
    pub units: Option<u64>,
    /// Messages per second over the last sample, and the estimated seconds left.
    pub rate: Option<f64>,
    pub eta_secs: Option<u64>,
}
