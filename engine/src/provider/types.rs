//! What callers hand to a vendor and what comes back, independent of the vendor.

use serde::{Deserialize, Serialize};

/// One recipient of a batch: a normalized phone and, for personalised content, its values in
/// slot (or template-parameter) order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutMessage {
    pub phone: String,
    pub values: Vec<String>,
}

/// The two content modes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Content {
    /// Free text; `{$var}` slots make it a variable send (Chuanglan §4 / §5).
    Text(String),
    /// A template approved at the vendor, with its parameter names in order
    /// (Chuanglan §16 `param1…`, Aliyun TemplateCode `${name}` keys).
    Template { id: String, params: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Bare signature name (no 【】).
    pub signature: String,
    pub content: Content,
    pub messages: Vec<OutMessage>,
    /// Our reference, echoed in receipts (Chuanglan `uid`, Aliyun `OutId`).
    pub uid: Option<String>,
}

/// The vendor accepted the request (all of it, or `accepted` of its groups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    /// Which API path was used, e.g. `/msg/variable/json`.
    pub endpoint: String,
    pub msg_id: String,
    pub accepted: u32,
    pub failed: u32,
}

/// A delivery report (Chuanglan §7.1 / §8.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub msg_id: String,
    pub phone: String,
    /// `DELIVRD` is the only success (Chuanglan §10).
    pub status: String,
    pub status_desc: String,
    pub report_time: String,
    pub notify_time: String,
    pub uid: Option<String>,
    pub length: Option<u32>,
}
