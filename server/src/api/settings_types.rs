//! Bodies of the settings, vendor and team endpoints. Secrets are write-only: requests may
//! carry them, answers only say whether one is stored (`has_*`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// 短信配置: the phone attribute and both vendor cards.
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsSettingsOut {
    /// The user attribute that holds mobile numbers.
    pub phone_attribute: String,
    /// Text attributes that could hold them.
    pub attribute_choices: Vec<String>,
    pub chuanglan: ChuanglanOut,
    pub aliyun: AliyunOut,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PhoneAttributeIn {
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneAttributeOut {
    pub phone_attribute: String,
}

/// The 创蓝 card as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChuanglanOut {
    pub enabled: bool,
    /// A card has been saved at least once.
    pub saved: bool,
    /// 沙箱模式: traffic goes to the built-in simulator, never to the vendor.
    pub sandbox: bool,
    pub signature: String,
    pub account: String,
    pub host: String,
    pub has_password: bool,
    /// The 营销 account: marketing messages go only through it.
    pub market_account: String,
    pub has_market_password: bool,
}

/// Saves the 创蓝 card. An absent or empty password keeps the stored one; an empty
/// `market_account` removes the marketing account.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ChuanglanIn {
    pub enabled: bool,
    pub signature: String,
    pub account: String,
    /// `smssh1.253.com` unless 创蓝 assigned another host (Chuanglan §1).
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub market_account: String,
    #[serde(default)]
    pub market_password: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SandboxIn {
    pub on: bool,
}

/// The 阿里云 card as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct AliyunOut {
    pub enabled: bool,
    pub saved: bool,
    pub signature: String,
    pub access_key_id: String,
    pub endpoint: String,
    pub has_secret: bool,
}

/// Saves the 阿里云 card. An absent or empty secret keeps the stored one.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AliyunIn {
    pub enabled: bool,
    pub signature: String,
    pub access_key_id: String,
    #[serde(default)]
    pub access_key_secret: Option<String>,
    /// `dysmsapi.aliyuncs.com` unless a regional endpoint is chosen (Aliyun §1).
    #[serde(default)]
    pub endpoint: String,
}

/// The result of 测试连接, phrased for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionOut {
    pub message: String,
}

/// 发送测试短信: up to 20 phones; text (`content`, `{$var}` filled by `values` in order) or a
/// template (`template_id`, its parameters filled by `values`). 阿里云 sends templates only.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TestSendIn {
    pub phones: Vec<String>,
    /// `notification` (default) or `marketing` (创蓝 sends it through the marketing account).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub template_id: String,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestSendOut {
    pub sandbox: bool,
    /// The vendor endpoint or action used.
    pub endpoint: String,
    pub msg_id: String,
    /// Masked phones the vendor accepted.
    pub sent_to: Vec<String>,
    /// Phones refused before sending, with the reason.
    pub invalid: Vec<PhoneProblemOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneProblemOut {
    pub input: String,
    pub reason: String,
}

/// An Aliyun template's review state (QuerySmsTemplate, Aliyun §5.4).
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateOut {
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
