//! Console settings: the user attribute that holds the mobile number, and one configuration per
//! SMS vendor. Invariant: a vendor secret is stored only sealed (see `secrets`) and is never part
//! of a view returned to callers; an empty secret field on save keeps the stored one.

pub mod aliyun;
pub mod chuanglan;
pub(crate) mod repo;

use crate::secrets::{MasterKey, SecretError};
use crate::validate::{self, FieldError};
use crate::{clock, Db};

pub const DEFAULT_PHONE_ATTRIBUTE: &str = "phone";
pub(crate) const PHONE_ATTRIBUTE_KEY: &str = "phone_attribute";

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("stored configuration is unreadable: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
}

/// The attribute holding phone numbers, `phone` until an operator picks another.
pub async fn phone_attribute(db: &Db) -> Result<String, SettingsError> {
    Ok(repo::get_value(db, PHONE_ATTRIBUTE_KEY).await?.unwrap_or_else(|| DEFAULT_PHONE_ATTRIBUTE.to_owned()))
}

const CALLBACK_TOKEN_KEY: &str = "callback_token";

/// The unguessable path component of this installation's vendor callback URLs (status
/// reports and replies), created on first use.
pub async fn callback_token(db: &Db) -> Result<String, SettingsError> {
    if let Some(token) = repo::get_value(db, CALLBACK_TOKEN_KEY).await? {
        return Ok(token);
    }
    use rand::Rng;
    let bytes: [u8; 20] = rand::thread_rng().gen();
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // Two first requests racing: the second insert loses and both read the stored one.
    repo::insert_value_if_absent(db, CALLBACK_TOKEN_KEY, &token, clock::now()).await?;
    Ok(repo::get_value(db, CALLBACK_TOKEN_KEY).await?.unwrap_or(token))
}

/// This installation's id (8 hex digits, created once): it prefixes every vendor request uid,
/// so delivery reports meant for another installation, or for this one before its database
/// was reset, never match a request here.
pub async fn install_id(db: &Db) -> Result<String, SettingsError> {
    const KEY: &str = "install_id";
    if let Some(id) = repo::get_value(db, KEY).await? {
        return Ok(id);
    }
    use rand::Rng;
    let id = format!("{:08x}", rand::thread_rng().gen::<u32>());
    repo::insert_value_if_absent(db, KEY, &id, clock::now()).await?;
    Ok(repo::get_value(db, KEY).await?.unwrap_or(id))
}

/// Whether `candidate` is this installation's callback token (constant time).
pub async fn is_callback_token(db: &Db, candidate: &str) -> Result<bool, SettingsError> {
    use subtle::ConstantTimeEq;
    let token = callback_token(db).await?;
    Ok(token.len() == candidate.len() && bool::from(token.as_bytes().ct_eq(candidate.as_bytes())))
}

pub async fn set_phone_attribute(db: &Db, raw: &str) -> Result<String, SettingsError> {
    let name = validate::attribute_name("phone_attribute", raw).map_err(|e| SettingsError::Invalid(vec![e]))?;
    repo::set_value(db, PHONE_ATTRIBUTE_KEY, &name, clock::now()).await?;
    Ok(name)
}

/// Checks a replacement secret typed by the operator; `None` means "keep the stored one".
fn new_secret(field: &str, label: &str, raw: Option<&str>, has_stored: bool) -> Result<Option<String>, FieldError> {
    match raw.filter(|s| !s.is_empty()) {
        None if has_stored => Ok(None),
        None => Err(FieldError::new(field, format!("请填写{label}"))),
        Some(s) if s.trim() != s => Err(FieldError::new(field, format!("{label}首尾不能有空格"))),
        Some(s) if s.chars().count() > 256 => Err(FieldError::new(field, format!("{label}过长"))),
        Some(s) if s.chars().any(char::is_control) => Err(FieldError::new(field, format!("{label}包含不可见字符"))),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

/// Like `new_secret`, but a stored secret is kept only while the host it is sent to stays the
/// same: a changed host asks for the secret again, so whoever can edit the card cannot send
/// the stored password to a host of their choosing.
fn new_secret_for_host(
    field: &str,
    label: &str,
    raw: Option<&str>,
    has_stored: bool,
    host_changed: bool,
) -> Result<Option<String>, FieldError> {
    if has_stored && host_changed && raw.is_none_or(str::is_empty) {
        return Err(FieldError::new(field, format!("接口地址已更改：为保护账号安全，请重新填写{label}")));
    }
    new_secret(field, label, raw, has_stored)
}

/// Collects the results of several field checks into values or all of their errors.
fn collect<T>(result: Result<T, FieldError>, errors: &mut Vec<FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Stores a vendor's non-secret JSON and, when given, a freshly sealed secret.
async fn store<C: serde::Serialize>(
    db: &Db,
    key: &MasterKey,
    vendor: &str,
    enabled: bool,
    config: &C,
    secret: Option<&str>,
) -> Result<(), SettingsError> {
    let json = serde_json::to_string(config).map_err(|e| SettingsError::Corrupt(e.to_string()))?;
    let sealed = secret.map(|s| key.seal(&purpose(vendor), s.as_bytes()));
    repo::save_vendor(db, vendor, enabled, &json, sealed.as_deref(), clock::now()).await?;
    Ok(())
}

/// Loads a vendor's stored row: `(enabled, config, has_secret)`.
async fn load<C: serde::de::DeserializeOwned>(db: &Db, vendor: &str) -> Result<Option<(bool, C, bool)>, SettingsError> {
    let Some(row) = repo::load_vendor(db, vendor).await? else {
        return Ok(None);
    };
    let config = serde_json::from_str(&row.config_json).map_err(|e| SettingsError::Corrupt(e.to_string()))?;
    Ok(Some((row.enabled, config, row.secret.is_some())))
}

/// Opens the stored secret of a vendor, if there is one.
async fn secret(db: &Db, key: &MasterKey, vendor: &str) -> Result<Option<String>, SettingsError> {
    let Some(row) = repo::load_vendor(db, vendor).await? else {
        return Ok(None);
    };
    row.secret
        .map(|sealed| {
            let bytes = key.open(&purpose(vendor), &sealed)?;
            String::from_utf8(bytes).map_err(|_| SettingsError::Secret(SecretError::Tampered))
        })
        .transpose()
}

fn purpose(vendor: &str) -> String {
    format!("vendor:{vendor}")
}

#[cfg(test)]
mod tests;
