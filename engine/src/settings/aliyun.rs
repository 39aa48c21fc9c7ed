//! The 阿里云 Aliyun vendor card: signature name, AccessKeyId and AccessKeySecret (sealed).

use super::{collect, load, new_secret_for_host, secret, store, SettingsError};
use crate::secrets::MasterKey;
use crate::validate;
use crate::Db;
use serde::{Deserialize, Serialize};

pub const VENDOR: &str = "aliyun";
/// The central endpoint (Aliyun §1).
pub const DEFAULT_ENDPOINT: &str = "dysmsapi.aliyuncs.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    pub signature: String,
    pub access_key_id: String,
    #[serde(default = "default_endpoint")]
    pub endpoint: String,
    #[serde(default)]
    pub plain_http: bool,
}

fn default_endpoint() -> String {
    DEFAULT_ENDPOINT.to_owned()
}

impl Config {
    pub fn base_url(&self) -> String {
        let scheme = if self.plain_http { "http" } else { "https" };
        format!("{scheme}://{}", self.endpoint)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub enabled: bool,
    pub config: Option<Config>,
    pub has_secret: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Input {
    pub enabled: bool,
    pub signature: String,
    pub access_key_id: String,
    pub access_key_secret: Option<String>,
    /// Empty means the central endpoint.
    pub endpoint: String,
}

#[derive(Clone)]
pub struct Credentials {
    pub config: Config,
    pub access_key_secret: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("config", &self.config).field("access_key_secret", &"***").finish()
    }
}

pub async fn view(db: &Db) -> Result<View, SettingsError> {
    Ok(match load::<Config>(db, VENDOR).await? {
        Some((enabled, config, has_secret)) => View { enabled, config: Some(config), has_secret },
        None => View { enabled: false, config: None, has_secret: false },
    })
}

pub async fn save(db: &Db, key: &MasterKey, input: &Input) -> Result<View, SettingsError> {
    let stored = view(db).await?;
    let has_stored = stored.has_secret;
    let mut errors = Vec::new();
    let signature = collect(validate::signature("signature", &input.signature), &mut errors);
    let key_id =
        collect(validate::required_token("access_key_id", &input.access_key_id, "AccessKeyId", 128), &mut errors);
    let endpoint_raw = if input.endpoint.trim().is_empty() { DEFAULT_ENDPOINT } else { input.endpoint.as_str() };
    let endpoint = collect(validate::host("endpoint", endpoint_raw), &mut errors);
    let secret_in = input.access_key_secret.as_deref();
    let changed =
        endpoint.as_ref().is_some_and(|h| stored.config.as_ref().map(|c| c.endpoint.as_str()) != Some(h.host.as_str()));
    let new = collect(
        new_secret_for_host("access_key_secret", "AccessKeySecret", secret_in, has_stored, changed),
        &mut errors,
    );
    let (Some(signature), Some(access_key_id), Some(endpoint), Some(new)) = (signature, key_id, endpoint, new) else {
        return Err(SettingsError::Invalid(errors));
    };
    let config = Config { signature, access_key_id, endpoint: endpoint.host, plain_http: endpoint.plain_http };
    store(db, key, VENDOR, input.enabled, &config, new.as_deref()).await?;
    view(db).await
}

pub async fn credentials(db: &Db, key: &MasterKey) -> Result<Option<Credentials>, SettingsError> {
    let Some(config) = view(db).await?.config else {
        return Ok(None);
    };
    Ok(secret(db, key, VENDOR).await?.map(|access_key_secret| Credentials { config, access_key_secret }))
}
