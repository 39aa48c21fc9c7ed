//! The REST API's request and response bodies: a contract of their own (documented in the
//! OpenAPI document), converted to and from the console's types at the edge.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// One user in a batch upsert: `user_id` plus any attributes, whose values are strings,
/// numbers or booleans (dates as text such as `2026-05-20`). Attributes not sent are kept.
// Documentation only: upsert bodies are read as JSON values and go through the import.
#[allow(dead_code)]
#[derive(Debug, ToSchema)]
#[schema(example = json!({"user_id": "u1001", "phone": "13800138000", "city": "上海", "vip": true}))]
pub struct UserRecord {
    pub user_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    pub import_id: i64,
    pub rows_total: u64,
    pub rows_ok: u64,
    pub rows_bad: u64,
    pub users_new: u64,
    pub users_updated: u64,
    pub phones_invalid: u64,
    /// Skipped records: 1-based position and the reason, in Chinese.
    pub bad_rows: Vec<BadRecord>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BadRecord {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserOut {
    pub user_id: String,
    /// The mobile number, masked (`138****5678`); the API never returns a full number.
    pub phone: Option<String>,
    /// Attribute values; numbers, booleans and dates (Unix seconds) keep their type.
    pub attributes: BTreeMap<String, serde_json::Value>,
    /// Segments the user is in now.
    pub segments: Vec<String>,
    pub updated_at: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AttributeOut {
    pub name: String,
    /// `string`, `number`, `boolean` or `datetime`.
    #[serde(rename = "type")]
    pub ty: String,
    pub users: i64,
    /// A few values (phones masked).
    pub samples: Vec<String>,
}

/// A page of results and the cursor of the next one (absent on the last page).
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// 1–500, default 100.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SegmentOut {
    pub id: i64,
    pub name: String,
    /// `rule` or `list`.
    pub kind: String,
    pub description: String,
    /// Last counted members and members with a valid phone.
    pub members: Option<u64>,
    pub with_phone: Option<u64>,
    pub updated_at: i64,
}

/// A rule segment (`rule`) or a list segment (`user_ids`); exactly one of them.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SegmentCreate {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub rule: Option<Rule>,
    #[serde(default)]
    pub user_ids: Vec<String>,
}

/// Conditions combined with `all` (且) / `any` (或), nested to any depth.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Rule {
    All {
        #[schema(no_recursion)]
        rules: Vec<Rule>,
    },
    Any {
        #[schema(no_recursion)]
        rules: Vec<Rule>,
    },
    Cond(Condition),
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Condition {
    pub attribute: String,
    pub op: Op,
    /// One value; two for `between`; several for `in`; none for `is_set`/`not_set`; N days for
    /// `within_days`.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Contains,
    StartsWith,
    In,
    Gt,
    Lt,
    Between,
    IsSet,
    NotSet,
    WithinDays,
    Before,
    After,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountOut {
    pub members: u64,
    pub with_phone: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub user_id: String,
    /// Masked.
    pub phone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Binding {
    pub attribute: String,
    #[serde(default)]
    pub fallback: String,
    /// Skip users without the attribute instead of using `fallback`.
    #[serde(default)]
    pub skip: bool,
}

/// A campaign as the builder makes it. `vendor` is `chuanglan` (the sandbox when 沙箱模式 is
/// on) or `aliyun`; `mode` is `text` (content with `{$var}` slots) or `template`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CampaignCreate {
    pub name: String,
    pub segment_id: i64,
    pub vendor: String,
    pub signature: String,
    #[serde(default = "text_mode")]
    pub mode: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub template_id: String,
    /// Template parameter names, in order.
    #[serde(default)]
    pub template_params: Vec<String>,
    /// One per `{$var}` slot or template parameter, in order.
    #[serde(default)]
    pub bindings: Vec<Binding>,
    /// `YYYY-MM-DD HH:MM` in Asia/Shanghai; absent to send when started.
    pub schedule: Option<String>,
    /// Start at once (ignored when scheduled).
    #[serde(default)]
    pub start: bool,
    /// `marketing` (default: 营销, content must end with 拒收请回复R) or `notification`.
    #[serde(default)]
    pub kind: String,
    /// `HH:MM` Beijing time; both set override the installation's marketing send window.
    #[serde(default)]
    pub window_start: String,
    #[serde(default)]
    pub window_end: String,
}

fn text_mode() -> String {
    "text".into()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignOut {
    pub id: i64,
    pub name: String,
    /// `draft`, `scheduled`, `sending`, `paused`, `completed`, `cancelled` or `failed`.
    pub status: String,
    pub status_reason: Option<String>,
    pub segment_id: i64,
    pub vendor: String,
    pub sandbox: bool,
    pub scheduled_at: Option<i64>,
    /// Messages planned at start (after reconciliation).
    pub planned: Option<u64>,
    pub created_by: String,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub progress: ProgressOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProgressOut {
    pub queued: u64,
    pub sending: u64,
    pub submitted: u64,
    pub failed: u64,
    /// Outcome unknown (in flight at a crash or timeout); never resent automatically.
    pub unknown: u64,
    pub cancelled: u64,
    pub total: u64,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessageParams {
    pub campaign_id: Option<i64>,
    /// A full mobile number.
    pub phone: Option<String>,
    /// `delivered`, `failed`, `pending`, `timeout`, `unknown`, `in_progress` or `cancelled`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 100.
    pub limit: Option<u32>,
}

/// The ledger of one campaign: filters and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignMessageParams {
    /// A full mobile number.
    pub phone: Option<String>,
    /// `delivered`, `failed`, `pending`, `timeout`, `unknown`, `in_progress` or `cancelled`.
    pub status: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 100.
    pub limit: Option<u32>,
}

/// A campaign's funnel (目标 → 已提交 → 已送达 / 失败 / 等待回执 / 超时未回执 / 结果未知), failures
/// by reason and results by carrier — the numbers of the campaign page.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsOut {
    pub targets: u64,
    pub submitted: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Submitted, no report yet, within the receipt timeout.
    pub pending: u64,
    /// Submitted, no report after the timeout (超时未回执).
    pub timeout: u64,
    /// The vendor's answer was lost (结果未知): never resent automatically.
    pub unknown: u64,
    pub in_progress: u64,
    pub cancelled: u64,
    /// Failed or timed-out messages a resend could help (重发失败).
    pub resendable: u64,
    pub failures: Vec<FailureOut>,
    pub carriers: Vec<CarrierOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FailureOut {
    pub category: String,
    pub reason: String,
    pub messages: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CarrierOut {
    /// 中国移动 / 中国联通 / 中国电信 / 中国广电 / 其他.
    pub carrier: String,
    pub targets: u64,
    pub delivered: u64,
    pub failed: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub id: i64,
    pub campaign_id: i64,
    pub user_id: Option<String>,
    /// Masked.
    pub phone: String,
    pub vendor: String,
    pub sandbox: bool,
    pub msg_id: Option<String>,
    pub submit_code: Option<String>,
    pub submitted_at: Option<i64>,
    pub report_status: Option<String>,
    pub report_desc: Option<String>,
    /// Status category: `delivered`, `failed_number`, `pending`, … (see 发送记录).
    pub category: String,
    pub category_label: String,
    pub explanation: String,
    pub units: u32,
}

/// One phone of the 退订名单 (masked).
#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionOut {
    pub phone: String,
    /// `reply` (上行 R/退订…), `manual`, `import` or `api`.
    pub source: String,
    pub vendor: String,
    /// The reply's text or the reason given.
    pub detail: String,
    pub created_by: String,
    /// Unix seconds.
    pub created_at: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SuppressionAdd {
    /// Mainland mobiles (+86, spaces and dashes accepted); at most 100,000 per call.
    pub phones: Vec<String>,
    /// Why they are added (kept with each entry and in the audit log).
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SuppressionAdded {
    pub added: u64,
    /// Already on the list.
    pub already: u64,
    /// Inputs that are not mainland mobiles.
    pub invalid: Vec<String>,
}
