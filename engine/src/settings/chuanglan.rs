//! The 创蓝 Chuanglan vendor card: signature, API account, API password (sealed) and host.
//! The send path is derived, not configured: `{$var}` in the content selects the variable
//! endpoint (Chuanglan §5), otherwise the plain one (§4).

use super::{collect, load, new_secret, secret, store, SettingsError};
use crate::secrets::MasterKey;
use crate::validate;
use crate::Db;
use serde::{Deserialize, Serialize};

pub const VENDOR: &str = "chuanglan";
pub const DEFAULT_HOST: &str = "smssh1.253.com";

/// Non-secret settings as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub signature: String,
    pub account: String,
    pub host: String,
    #[serde(default)]
    pub plain_http: bool,
}

/// What the console may show: the settings plus whether a password is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub enabled: bool,
    pub config: Option<Config>,
    pub has_password: bool,
}

/// The card as submitted; an empty `password` keeps the stored one.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub enabled: bool,
    pub signature: String,
    pub account: String,
    pub host: String,
    pub password: Option<String>,
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
    Ok(match load::<Config>(db, VENDOR).await? {
        Some((enabled, config, has_password)) => View { enabled, config: Some(config), has_password },
        None => View { enabled: false, config: None, has_password: false },
    })
}

pub async fn save(db: &Db, key: &MasterKey, input: &Input) -> Result<View, SettingsError> {
    let has_stored = view(db).await?.has_password;
    let mut errors = Vec::new();
    let signature = collect(validate::signature("signature", &input.signature), &mut errors);
    let account = collect(validate::required_token("account", &input.account, "账号", 64), &mut errors);
    let host = collect(validate::host("host", &input.host), &mut errors);
    let password = collect(new_secret("password", "密码", input.password.as_deref(), has_stored), &mut errors);
    let (Some(signature), Some(account), Some(host), Some(password)) = (signature, account, host, password) else {
        return Err(SettingsError::Invalid(errors));
    };
    let config = Config { signature, account, host: host.host, plain_http: host.plain_http };
    store(db, key, VENDOR, input.enabled, &config, password.as_deref()).await?;
    view(db).await
}

/// Stored credentials, if the card has been saved with a password.
pub async fn credentials(db: &Db, key: &MasterKey) -> Result<Option<Credentials>, SettingsError> {
    let Some(config) = view(db).await?.config else {
        return Ok(None);
    };
    Ok(secret(db, key, VENDOR).await?.map(|password| Credentials { config, password }))
}
