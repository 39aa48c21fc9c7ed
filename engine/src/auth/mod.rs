//! Operator authentication: argon2id password hashes, the first-run admin account, session
//! tokens (only their SHA-256 is stored) and the failed-login throttle. Invariant: a login
//! answer never reveals whether the user name exists. Team accounts and their roles live in
//! `accounts`, REST API tokens in `tokens`.

pub mod accounts;
mod repo;

mod throttle;
pub mod tokens;

pub use repo::Account;
pub use throttle::{LoginThrottle, RateLimit};
pub use types::Role;

use crate::{clock, Db};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Sessions last a week from login.
pub const SESSION_TTL_SECS: i64 = 7 * 24 * 3600;
pub const PASSWORD_MIN: usize = 10;
pub const ADMIN_USERNAME: &str = "admin";

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("user name or password is wrong")]
    BadCredentials,
    #[error("the new password is too weak: {0}")]
    WeakPassword(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("password hashing failed")]
    Hash,
    #[error("{0}")]
    InvalidUsername(String),
    #[error("{0}")]
    InvalidName(String),
    #[error("该用户名已存在")]
    DuplicateUsername,
    #[error("至少要保留一个启用的管理员账号")]
    LastAdmin,
    #[error("账号不存在")]
    NotFound,
}

pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AuthError::Hash)
}

/// Hashes on a blocking thread: argon2 takes tens of milliseconds of CPU, which must not
/// stall the async workers serving other requests.
pub async fn hash_password_blocking(password: &str) -> Result<String, AuthError> {
    let p = password.to_owned();
    tokio::task::spawn_blocking(move || hash_password(&p)).await.map_err(|_| AuthError::Hash)?
}

/// Verifies on a blocking thread (see [`hash_password_blocking`]).
async fn verify_blocking(password: &str, hash: &str) -> bool {
    let (p, h) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || verify_password(&p, &h)).await.unwrap_or(false)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A valid hash of a random password, used to spend the same time on unknown user names.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&new_token()).unwrap_or_default())
}

/// Checks the strength rules of a new password; the message is shown to the operator.
pub fn check_new_password(password: &str) -> Result<(), AuthError> {
    if password.chars().count() < PASSWORD_MIN {
        return Err(AuthError::WeakPassword(format!("新密码至少需要 {PASSWORD_MIN} 个字符")));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(AuthError::WeakPassword("新密码不能全是数字".into()));
    }
    Ok(())
}

/// What happened to the admin account at startup.
#[derive(Debug, PartialEq, Eq)]
pub enum Bootstrap {
    /// Accounts already existed; nothing changed.
    Existing,
    /// The admin was created with the password from configuration.
    CreatedFromConfig,
    /// The admin was created with this generated password, to be shown once.
    CreatedGenerated(String),
}

/// Creates the `admin` account on first run.
pub async fn bootstrap_admin(db: &Db, configured: Option<&str>) -> Result<Bootstrap, AuthError> {
    if repo::count_accounts(db).await? > 0 {
        return Ok(Bootstrap::Existing);
    }
    let (password, outcome) = match configured {
        Some(p) => (p.to_owned(), Bootstrap::CreatedFromConfig),
        None => {
            let p = new_token()[..16].to_owned();
            (p.clone(), Bootstrap::CreatedGenerated(p))
        }
    };
    repo::insert_account(db, ADMIN_USERNAME, &hash_password_blocking(&password).await?, "admin").await?;
    Ok(outcome)
}

/// Verifies credentials; on success creates a session and returns its cookie token.
pub async fn login(db: &Db, username: &str, password: &str) -> Result<(Account, String), AuthError> {
    let found = repo::find_by_username(db, username.trim()).await?;
    let hash = found.as_ref().map_or(decoy_hash(), |(_, h)| h.as_str());
    let ok = verify_blocking(password, hash).await;
    match found {
        Some((account, _)) if ok && !account.disabled => {
            let token = new_token();
            repo::insert_session(db, &token_hash(&token), account.id, clock::now() + SESSION_TTL_SECS).await?;
            accounts::touch_login(db, account.id).await?;
            Ok((account, token))
        }
        _ => Err(AuthError::BadCredentials),
    }
}

/// Resolves a session cookie to its (enabled) account.
pub async fn session_account(db: &Db, token: &str) -> Result<Option<Account>, AuthError> {
    Ok(repo::find_session(db, &token_hash(token), clock::now()).await?)
}

pub async fn logout(db: &Db, token: &str) -> Result<(), AuthError> {
    Ok(repo::delete_session(db, &token_hash(token)).await?)
}

/// Changes the password after checking the current one; every other session of the account ends.
pub async fn change_password(
    db: &Db,
    account_id: i64,
    keep_token: &str,
    current: &str,
    new: &str,
) -> Result<(), AuthError> {
    let hash = repo::password_hash(db, account_id).await?.ok_or(AuthError::BadCredentials)?;
    if !verify_blocking(current, &hash).await {
        return Err(AuthError::BadCredentials);
    }
    check_new_password(new)?;
    repo::set_password(db, account_id, &hash_password_blocking(new).await?).await?;
    repo::delete_other_sessions(db, account_id, &token_hash(keep_token)).await?;
    Ok(())
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests;
