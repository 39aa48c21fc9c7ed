//! One `Settings`: compiled-in defaults → `chuda.toml` (or `--config FILE`) → environment
//! `CHUDA__SECTION__KEY` → command-line flags, validated once at startup.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub storage: StorageSettings,
    pub security: SecuritySettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub sending: SendingSettings,
    #[serde(default)]
    pub api: ApiSettings,
}

/// The REST API's per-token rate limit (`429` + `Retry-After` past it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiSettings {
    /// Calls per minute per token, refilled evenly; 0 turns the limit off.
    pub rate_per_minute: u32,
    /// Calls a token may make at once before the rate applies.
    pub burst: u32,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self { rate_per_minute: 600, burst: 60 }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub listen: String,
    /// Mark the session cookie `Secure` and send HSTS; set when chuda is served behind TLS.
    pub secure_cookies: bool,
    /// Host names (the `Host` header, port ignored) chuda answers to, e.g. `["sms.example.com"]`.
    /// Loopback names are always accepted when listening on loopback. Empty and listening on
    /// loopback: only loopback names (a DNS-rebinding page cannot reach the console); empty
    /// and listening on another address: any host (a warning is logged at start).
    #[serde(default)]
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub data_dir: PathBuf,
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// Base64 of 32 bytes. When empty, `<data_dir>/master.key` is used (created on first run).
    pub master_key: String,
}

/// Never prints the key (settings are logged and shown in errors).
impl std::fmt::Debug for SecuritySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.master_key.is_empty() { "" } else { "***" };
        f.debug_struct("SecuritySettings").field("master_key", &shown).finish()
    }
}

#[derive(Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Password of the first-run `admin` account. When empty one is generated and printed once.
    pub admin_password: String,
}

/// Never prints the password.
impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.admin_password.is_empty() { "" } else { "***" };
        f.debug_struct("AuthSettings").field("admin_password", &shown).finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SendingSettings {
    /// Messages per second per vendor account (Chuanglan §13: the account's flow rate is set by
    /// the vendor and undocumented — ask them and set it here).
    pub rate_per_sec: f64,
    /// Parallel vendor requests per campaign.
    pub concurrency: usize,
    /// Attempts per recipient when the vendor refuses a request as busy/throttled.
    pub max_attempts: u32,
    /// First retry delay in milliseconds (doubles per attempt, with jitter).
    pub backoff_ms: u64,
    /// Seconds between pulls of delivery reports (Chuanglan §7.1); 0 turns the pull off.
    pub pull_receipts_secs: u64,
    /// Hours after submission without a report before a message counts as 超时未回执
    /// (Chuanglan keeps unpulled reports 72 h, §7).
    pub receipt_timeout_hours: u64,
    /// Share of sandbox messages reported 已送达; the rest get failure reports so that the
    /// statistics and 未收到排查 can be tried without a vendor account.
    pub sandbox_delivered_ratio: f64,
    /// Seconds a shutdown waits for vendor requests in flight to answer, so a deploy does not
    /// turn them into 结果未知. Requests still open after it are reconciled at the next start.
    #[serde(default = "default_drain_secs")]
    pub drain_secs: u64,
}

fn default_drain_secs() -> u64 {
    15
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// A tracing filter such as `info` or `chuda=debug,info`.
    pub level: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            server: ServerSettings {
                listen: "127.0.0.1:3000".into(),
                secure_cookies: false,
                allowed_hosts: Vec::new(),
            },
            storage: StorageSettings { data_dir: PathBuf::from("./data") },
            security: SecuritySettings { master_key: String::new() },
            auth: AuthSettings { admin_password: String::new() },
            log: LogSettings { level: "info".into() },
            sending: SendingSettings {
                rate_per_sec: 1_000.0,
                concurrency: 2,
                max_attempts: 5,
                backoff_ms: 2_000,
                pull_receipts_secs: 10,
                receipt_timeout_hours: 72,
                sandbox_delivered_ratio: 0.9,
                drain_secs: default_drain_secs(),
            },
            api: ApiSettings::default(),
        }
    }
}

/// Flags that override every other layer.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Loads all layers. `config` is an explicit file (must exist); otherwise `./chuda.toml` is
    /// read when present. Environment keys are `CHUDA__SECTION__KEY`, e.g. `CHUDA__SERVER__LISTEN`.
    pub fn load(config: Option<&Path>, overrides: &Overrides) -> Result<Self, ConfigError> {
        let file = match config {
            Some(path) if !path.exists() => {
                return Err(ConfigError(format!("config file {} does not exist", path.display())));
            }
            Some(path) => path.to_path_buf(),
            None => PathBuf::from("chuda.toml"),
        };
        let mut settings: Settings = Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(file))
            .merge(Env::prefixed("CHUDA__").split("__"))
            .extract()
            .map_err(|e| ConfigError(describe(&e)))?;
        if let Some(listen) = &overrides.listen {
            settings.server.listen = listen.clone();
        }
        if let Some(dir) = &overrides.data_dir {
            settings.storage.data_dir = dir.clone();
        }
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        if self.storage.data_dir.as_os_str().is_empty() {
            return Err(ConfigError("storage.data_dir must not be empty".into()));
        }
        if !self.security.master_key.is_empty()
            && engine::secrets::MasterKey::from_base64(&self.security.master_key).is_err()
        {
            return Err(ConfigError("security.master_key must be 32 bytes encoded as base64 (value not shown)".into()));
        }
        let pw = &self.auth.admin_password;
        if !pw.is_empty() && engine::auth::check_new_password(pw).is_err() {
            return Err(ConfigError(format!(
                "auth.admin_password must be at least {} characters and not only digits (value not shown)",
                engine::auth::PASSWORD_MIN
            )));
        }
        let s = &self.sending;
        if !(s.rate_per_sec > 0.0 && s.rate_per_sec.is_finite()) {
            return Err(ConfigError(format!("sending.rate_per_sec must be a positive number, not {}", s.rate_per_sec)));
        }
        if !(1..=64).contains(&s.concurrency) {
            return Err(ConfigError(format!("sending.concurrency must be 1..64, not {}", s.concurrency)));
        }
        if s.max_attempts == 0 {
            return Err(ConfigError("sending.max_attempts must be at least 1".into()));
        }
        if !(0.0..=1.0).contains(&s.sandbox_delivered_ratio) {
            return Err(ConfigError(format!(
                "sending.sandbox_delivered_ratio must be between 0 and 1, not {}",
                s.sandbox_delivered_ratio
            )));
        }
        if s.receipt_timeout_hours == 0 {
            return Err(ConfigError("sending.receipt_timeout_hours must be at least 1".into()));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level)
            .map_err(|e| ConfigError(format!("log.level {:?} is not a valid filter: {e}", self.log.level)))?;
        Ok(())
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.server.listen.parse().map_err(|_| {
            ConfigError(format!("server.listen {:?} is not an address like 127.0.0.1:3000", self.server.listen))
        })
    }

    pub fn database_path(&self) -> PathBuf {
        self.storage.data_dir.join("chuda.db")
    }

    pub fn master_key_path(&self) -> PathBuf {
        self.storage.data_dir.join("master.key")
    }
}

/// One-line description of a figment error, naming the key and the source layer.
fn describe(e: &figment::Error) -> String {
    let mut text = e.to_string();
    if let Some(meta) = &e.metadata {
        text.push_str(&format!(" (from {})", meta.name));
    }
    text
}

/// The commented example printed by `chuda default-config`.
pub const EXAMPLE: &str = include_str!("../chuda.example.toml");

#[cfg(test)]
mod tests;
