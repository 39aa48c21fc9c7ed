//! The ledger (发送记录) filters as the console's query string and the REST API carry them;
//! the engine parses them (`engine::ledger::query::Filter::parse`).

use serde::{Deserialize, Serialize};

/// The ledger filters, as they appear in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LedgerQuery {
    pub campaign: String,
    /// `delivered`, `failed`, `pending`, `timeout`, `unknown`, `in_progress`, `cancelled` or empty.
    pub status: String,
    /// `chuanglan`, `aliyun` or empty.
    pub vendor: String,
    /// `YYYY-MM-DD` (Asia/Shanghai), inclusive.
    pub from: String,
    pub to: String,
    pub phone: String,
    pub before: String,
}
