//! Campaigns (活动) and their durable sending. A campaign binds a segment, a vendor, a signature,
//! content (free text with `{$var}` slots, or a vendor template) and one binding per slot or
//! template parameter. Starting snapshots the recipients in one transaction guarded by an
//! idempotency key, and plans the vendor requests at the same time: each `batches` row carries
//! its messages (`payload`) and its own queue state, and each recipient row (status `batch`)
//! follows its batch. The dispatcher then reads and writes one row per request, never per phone.
//!
//! Invariants (the crash-safety guarantee):
//! - a batch is claimed (`sending`) by a committed statement *before* the vendor call, and no
//!   transaction is held across that call;
//! - only an answer in which the vendor rejected the whole request puts a batch back to
//!   `queued`; a timeout, broken connection or 5xx marks it `unknown` — never resent
//!   automatically, to be reconciled from delivery reports carrying the batch `uid`;
//! - batches still `sending` when the process starts (it died mid-call) become `unknown` too.
//!
//! So no phone is ever submitted twice, and every phone ends `submitted`, `failed` (with the
//! vendor's reason) or `unknown` (listed for the operator), never silently dropped.

mod batches;
mod check;
pub mod dispatch;
mod form;
mod gate;
mod plan;
pub mod receipts;
mod repo;
mod run;
pub mod scheduler;
mod service;
pub mod vendors;

pub use plan::{plan, preview, preview_values, Preview, Reconciliation};
pub use repo::{
    by_create_key, cancel, create, create_once, due, field_errors, get, hold, list, page, pause, progress,
    recipients_of, resume, start, wait_for_window, wake_due, Progress, RecipientRow,
};
pub use run::SERVICE as DISPATCH_SERVICE;
pub use service::Control;

use crate::compliance::{MessageKind, Window};
use crate::provider::Content;
use serde::{Deserialize, Serialize};
pub use types::{Status, Vendor};

/// Most phones one request may carry for `content` (Chuanglan §4/§5: 1000; Aliyun §5.1/§5.2:
/// 1000 for `SendSms`, 100 for `SendBatchSms` when parameters differ per phone).
pub fn max_batch(vendor: Vendor, content: &Content) -> usize {
    use crate::provider::{aliyun, chuanglan};
    match (vendor, content) {
        (Vendor::Chuanglan, _) => chuanglan::send::MAX_PER_REQUEST,
        (Vendor::Aliyun, Content::Template { params, .. }) if !params.is_empty() => aliyun::send::SEND_BATCH_MAX,
        (Vendor::Aliyun, _) => aliyun::send::SEND_SMS_MAX,
    }
}

/// Where one slot or template parameter takes its value from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub attribute: String,
    /// Used when the user lacks the attribute; `None` skips such users.
    pub fallback: Option<String>,
}

/// What the builder submits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignInput {
    pub name: String,
    pub segment_id: i64,
    pub vendor: Vendor,
    /// Bare signature (no 【】).
    pub signature: String,
    pub content: Content,
    pub bindings: Vec<Binding>,
    /// Unix seconds; `None` sends when started.
    pub scheduled_at: Option<i64>,
    /// 营销 (the default for campaigns to segments) or 通知.
    #[serde(default)]
    pub kind: MessageKind,
    /// Overrides the installation's marketing send window for this campaign.
    #[serde(default)]
    pub window: Option<Window>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub segment_id: i64,
    pub vendor: Vendor,
    pub sandbox: bool,
    pub signature: String,
    pub content: Content,
    pub bindings: Vec<Binding>,
    pub kind: MessageKind,
    pub window: Option<Window>,
    /// When a `waiting` campaign resumes.
    pub resume_at: Option<i64>,
    pub status: Status,
    pub status_reason: Option<String>,
    pub scheduled_at: Option<i64>,
    pub planned: Option<u64>,
    pub units: Option<u64>,
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum CampaignError {
    /// What is wrong with the operator's input, field by field (Chinese).
    #[error("{}", .0.first().map_or("输入有误", |e| e.message.as_str()))]
    Fields(Vec<crate::validate::FieldError>),
    /// The operator's request cannot be carried out (Chinese, shown as is).
    #[error("{0}")]
    Invalid(String),
    /// A fault that is not the operator's doing (unreadable stored data, a stopped worker): logged
    /// with its cause and shown as a reference id, never as text.
    #[error("{0}")]
    Internal(String),
    #[error("活动不存在")]
    NotFound,
    #[error("{0}")]
    Segment(#[from] crate::segments::SegmentError),
    #[error("{0}")]
    Users(#[from] crate::users::UsersError),
    #[error("{0}")]
    Settings(#[from] crate::settings::SettingsError),
    #[error("{0}")]
    Compliance(#[from] crate::compliance::ComplianceError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// How many values each recipient needs for `content`.
pub fn slots(content: &Content) -> usize {
    match content {
        Content::Text(t) => crate::sms::slot_count(t),
        Content::Template { params, .. } => params.len(),
    }
}

#[cfg(test)]
mod tests;
