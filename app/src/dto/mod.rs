//! Types the browser sees. None of them can hold a credential: secrets travel only inward
//! (in the `*Form` types) and come back as `has_*` flags.

use serde::{Deserialize, Serialize};

pub use types::{FieldError, Role};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub role: Role,
}

/// The first-run checklist (开始使用): each step's state, read from real data, and whether
/// this account hid it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    pub phone_attribute: bool,
    pub vendor: bool,
    pub users: bool,
    pub segment: bool,
    pub campaign: bool,
    pub dismissed: bool,
}

/// Everything the 短信配置 page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSettings {
    pub phone_attribute: String,
    /// Attribute names to offer; `phone` until users exist.
    pub attribute_choices: Vec<String>,
    pub chuanglan: ChuanglanCard,
    pub aliyun: AliyunCard,
    /// The signed-in account may change these (admins only); others see a summary.
    pub editable: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChuanglanCard {
    pub enabled: bool,
    pub signature: String,
    pub account: String,
    pub host: String,
    pub has_password: bool,
    /// The 营销 (marketing) account: marketing messages go only through it.
    pub market_account: String,
    pub has_market_password: bool,
    pub saved: bool,
    /// Traffic goes to the built-in simulator (沙箱), never to the vendor.
    pub sandbox: bool,
    pub options: ChuanglanOptions,
}

/// Where the vendors push status reports and replies; each URL carries the installation's
/// callback token and is shown to signed-in operators only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackUrls {
    pub chuanglan_report: String,
    pub chuanglan_mo: String,
    pub aliyun_report: String,
    pub aliyun_mo: String,
}

/// Protocol details the spec marks uncertain (paths, §16 field names, encoding, length).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChuanglanOptions {
    pub plain_path: String,
    pub variable_path: String,
    pub template_path: String,
    pub template_phones_field: String,
    pub template_id_field: String,
    pub template_params_field: String,
    pub urlencode_plain_msg: bool,
    pub max_len: u32,
}

/// 发送测试短信: phones separated by commas, spaces or lines; values fill `{$var}` in order
/// (or the template parameters when `template_id` is set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSendForm {
    /// `marketing` or `notification` (empty: notification).
    #[serde(default)]
    pub kind: String,
    pub phones: String,
    pub content: String,
    pub template_id: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSendResult {
    pub sandbox: bool,
    pub endpoint: String,
    pub msg_id: String,
    /// Masked phones the vendor accepted.
    pub sent_to: Vec<String>,
    pub invalid: Vec<PhoneProblem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneProblem {
    pub input: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliyunCard {
    pub enabled: bool,
    pub signature: String,
    pub access_key_id: String,
    /// `dysmsapi.aliyuncs.com` unless a regional endpoint (Aliyun §1) is chosen.
    pub endpoint: String,
    pub has_secret: bool,
    pub saved: bool,
}

/// The 创蓝 card as submitted. An empty `password` keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChuanglanForm {
    pub enabled: bool,
    pub signature: String,
    pub account: String,
    pub host: String,
    pub password: String,
    /// The 营销 account and its password (empty keeps the stored one; an empty account
    /// removes it).
    #[serde(default)]
    pub market_account: String,
    #[serde(default)]
    pub market_password: String,
    /// `None` keeps the stored options.
    #[serde(default)]
    pub options: Option<ChuanglanOptions>,
}

/// The 阿里云 card as submitted. An empty `access_key_secret` keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliyunForm {
    pub enabled: bool,
    pub signature: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    pub endpoint: String,
}

/// Result of 测试连接, already phrased for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionResult {
    pub message: String,
}

/// 检查模板 / 获取状态码 for an Aliyun TemplateCode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateCheck {
    pub code: String,
    pub name: String,
    pub content: String,
    /// 审核中 / 审核通过 / 未通过 / 已取消.
    pub status: String,
    pub approved: bool,
    pub reason: String,
    /// `${name}` parameters in order.
    pub params: Vec<String>,
}

pub mod audience;
pub mod campaign;
pub mod compliance;
pub mod ledger;
pub mod team;
