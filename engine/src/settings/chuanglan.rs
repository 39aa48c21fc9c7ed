//! The 创蓝 Chuanglan vendor card: signature, host, and two API accounts, each with its own
//! sealed password: the 通知 (notification) account and the 营销 (marketing) account — 创蓝
//! issues them separately, and marketing messages go only through the marketing account.
//! The send path is derived, not configured: `{$var}` in the content selects the variable
//! endpoint (Chuanglan §5), otherwise the plain one (§4).

use super::{collect, load, new_secret_for_host, secret, store, SettingsError};
use crate::secrets::MasterKey;
use crate::validate::{self, FieldError};
use crate::Db;
use serde::{Deserialize, Serialize};

pub const VENDOR: &str = "chuanglan";
/// The marketing account's row (its own sealed password).
pub const MARKET: &str = "chuanglan_market";
pub const DEFAULT_HOST: &str = "smssh1.253.com";

/// Non-secret settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub signature: String,
    pub account: String,
    pub host: String,
    #[serde(default)]
    pub plain_http: bool,
    #[serde(default)]
    pub options: Options,
}

/// Protocol details the spec marks uncertain, kept configurable (Chuanglan §3, §4.3, §16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    /// Plain send path; `/msg/send/json` is the older name of the same endpoint (§4.3).
    pub plain_path: String,
    pub variable_path: String,
    /// Template-id send (模板发送, §16): path and field names differ between sources.
    pub template_path: String,
    pub template_phones_field: String,
    pub template_id_field: String,
    pub template_params_field: String,
    /// Form-URL-encode `msg` on the plain endpoint, as the official PHP/Go demos do (§3).
    pub urlencode_plain_msg: bool,
    /// Longest `msg` including the signature: 536 officially, 1036 per one later source (§3).
    pub max_len: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            plain_path: "/msg/v1/send/json".into(),
            variable_path: "/msg/variable/json".into(),
            template_path: "/msg/sms/v2/tpl/send".into(),
            template_phones_field: "phoneNumbers".into(),
            template_id_field: "templateId".into(),
            template_params_field: "templateParamJson".into(),
            urlencode_plain_msg: true,
            max_len: crate::sms::DEFAULT_MAX_LEN,
        }
    }
}

/// What the console may show: the settings plus whether a password is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub enabled: bool,
    pub config: Option<Config>,
    pub has_password: bool,
    /// The 营销 account, when one is configured.
    pub market_account: Option<String>,
    pub has_market_password: bool,
}

/// The stored marketing account (non-secret part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MarketConfig {
    account: String,
}

/// The card as submitted; an empty `password` keeps the stored one.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub enabled: bool,
    pub signature: String,
    pub account: String,
    pub host: String,
    pub password: Option<String>,
    /// The 营销 account; empty removes it.
    pub market_account: String,
    /// An empty value keeps the stored marketing password.
    pub market_password: Option<String>,
    /// `None` keeps the stored options.
    pub options: Option<Options>,
}

/// Everything the client needs to call the vendor.
#[derive(Clone)]
pub struct Credentials {
    pub config: Config,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("config", &self.config).field("password", &"***").finish()
    }
}

impl Config {
    /// Base URL of the API, `https://host` (or `http://` for the loopback simulator).
    pub fn base_url(&self) -> String {
        let scheme = if self.plain_http { "http" } else { "https" };
        format!("{scheme}://{}", self.host)
    }
}

pub async fn view(db: &Db) -> Result<View, SettingsError> {
    let market = load::<MarketConfig>(db, MARKET).await?;
    let (market_account, has_market_password) = match market {
        Some((_, m, has)) if !m.account.is_empty() => (Some(m.account), has),
        _ => (None, false),
    };
    Ok(match load::<Config>(db, VENDOR).await? {
        Some((enabled, config, has_password)) => {
            View { enabled, config: Some(config), has_password, market_account, has_market_password }
        }
        None => View { enabled: false, config: None, has_password: false, market_account, has_market_password },
    })
}

/// Checks one optional account slot: `(account, new password)`, `None` when it is empty.
fn slot(
    errors: &mut Vec<FieldError>,
    (field, pw_field, label): (&str, &str, &str),
    account: &str,
    password: Option<&str>,
    (has_stored, host_changed): (bool, bool),
) -> Option<(String, Option<String>)> {
    if account.trim().is_empty() {
        return None;
    }
    let account = collect(validate::required_token(field, account, label, 64), errors)?;
    let label = format!("{label}密码");
    let password = collect(new_secret_for_host(pw_field, &label, password, has_stored, host_changed), errors)?;
    Some((account, password))
}

pub async fn save(db: &Db, key: &MasterKey, input: &Input) -> Result<View, SettingsError> {
    let stored = view(db).await?;
    let mut errors = Vec::new();
    let signature = collect(validate::signature("signature", &input.signature), &mut errors);
    if input.account.trim().is_empty() && input.market_account.trim().is_empty() {
        errors.push(FieldError::new("account", "请至少填写一个账号：通知账号或营销账号"));
    }
    let host = collect(validate::host("host", &input.host), &mut errors);
    let changed =
        host.as_ref().is_some_and(|h| stored.config.as_ref().map(|c| c.host.as_str()) != Some(h.host.as_str()));
    let notify = slot(
        &mut errors,
        ("account", "password", "通知账号"),
        &input.account,
        input.password.as_deref(),
        (stored.has_password, changed),
    );
    let market = slot(
        &mut errors,
        ("market_account", "market_password", "营销账号"),
        &input.market_account,
        input.market_password.as_deref(),
        (stored.has_market_password && stored.market_account.as_deref() == Some(input.market_account.trim()), changed),
    );
    let options = match &input.options {
        Some(o) => check_options(o, &mut errors),
        None => Some(stored.config.map(|c| c.options).unwrap_or_default()),
    };
    let (Some(signature), Some(host), Some(options), true) = (signature, host, options, errors.is_empty()) else {
        return Err(SettingsError::Invalid(errors));
    };
    let (account, password) = notify.unwrap_or_default();
    let config = Config { signature, account, host: host.host, plain_http: host.plain_http, options };
    store(db, key, VENDOR, input.enabled, &config, password.as_deref()).await?;
    match market {
        Some((account, password)) => {
            store(db, key, MARKET, true, &MarketConfig { account }, password.as_deref()).await?
        }
        None => super::repo::delete_vendor(db, MARKET).await?,
    }
    view(db).await
}

fn check_options(o: &Options, errors: &mut Vec<FieldError>) -> Option<Options> {
    let before = errors.len();
    for (field, path) in
        [("plain_path", &o.plain_path), ("variable_path", &o.variable_path), ("template_path", &o.template_path)]
    {
        if !path.starts_with('/') || path.contains(char::is_whitespace) || path.contains("://") {
            errors.push(FieldError::new(field, "路径需以 / 开头，例如 /msg/v1/send/json"));
        }
    }
    for (field, name) in [
        ("template_phones_field", &o.template_phones_field),
        ("template_id_field", &o.template_id_field),
        ("template_params_field", &o.template_params_field),
    ] {
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(FieldError::new(field, "字段名只能包含英文字母、数字和下划线"));
        }
    }
    if !(70..=2000).contains(&o.max_len) {
        errors.push(FieldError::new("max_len", "长度上限需在 70–2000 之间（创蓝官方为 536）"));
    }
    (errors.len() == before).then(|| o.clone())
}

const SANDBOX_KEY: &str = "chuanglan_sandbox";

/// Whether 创蓝 traffic goes to the built-in simulator instead of the vendor.
pub async fn sandbox(db: &Db) -> Result<bool, SettingsError> {
    Ok(super::repo::get_value(db, SANDBOX_KEY).await?.as_deref() == Some("on"))
}

pub async fn set_sandbox(db: &Db, on: bool) -> Result<(), SettingsError> {
    super::repo::set_value(db, SANDBOX_KEY, if on { "on" } else { "off" }, crate::clock::now()).await?;
    Ok(())
}

/// Stored credentials of the notification account, if the card has one with a password.
pub async fn credentials(db: &Db, key: &MasterKey) -> Result<Option<Credentials>, SettingsError> {
    let Some(config) = view(db).await?.config.filter(|c| !c.account.is_empty()) else {
        return Ok(None);
    };
    Ok(secret(db, key, VENDOR).await?.map(|password| Credentials { config, password }))
}

/// Stored credentials of the account that sends messages of `kind`: the marketing account for
/// 营销, the notification account for 通知 (host, signature and options are shared).
pub async fn credentials_for(
    db: &Db,
    key: &MasterKey,
    kind: crate::compliance::MessageKind,
) -> Result<Option<Credentials>, SettingsError> {
    if kind == crate::compliance::MessageKind::Notification {
        return credentials(db, key).await;
    }
    let v = view(db).await?;
    let (Some(mut config), Some(account)) = (v.config, v.market_account) else {
        return Ok(None);
    };
    config.account = account;
    Ok(secret(db, key, MARKET).await?.map(|password| Credentials { config, password }))
}
