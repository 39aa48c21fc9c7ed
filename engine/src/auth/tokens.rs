//! REST API tokens: created by admins with a role and an optional expiry, shown once, stored
//! as SHA-256 only, revocable. A token stops working when it expires, is revoked, or while the
//! admin who created it is disabled. A token is `chuda_` followed by 43 URL-safe characters (32 random bytes).

use super::{new_token, token_hash, AuthError, Role};
use crate::{clock, Db};
use sqlx::Row;

pub const PREFIX: &str = "chuda_";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The first characters of the token, to tell tokens apart.
    pub prefix: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// The creating account is disabled (the token is refused meanwhile).
    pub creator_disabled: bool,
}

/// Who a valid token acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAuth {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The account that created the token (tokens it creates are that account's too, so
    /// disabling the account stops them all).
    pub created_by: String,
}

/// Creates a token and returns it in full — the only time it exists outside the caller.
pub async fn create(
    db: &Db,
    name: &str,
    role: Role,
    actor: &str,
    expires_at: Option<i64>,
) -> Result<(i64, String), AuthError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(AuthError::InvalidName("名称必填，最多 64 个字符".into()));
    }
    let token = format!("{PREFIX}{}", new_token());
    let row = sqlx::query(
        "INSERT INTO api_tokens (name, role, token_hash, prefix, created_by, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(role.as_str())
    .bind(token_hash(&token))
    .bind(&token[..PREFIX.len() + 4])
    .bind(actor)
    .bind(clock::now())
    .bind(expires_at)
    .fetch_one(db)
    .await?;
    Ok((row.try_get("id")?, token))
}

pub async fn list(db: &Db) -> Result<Vec<TokenInfo>, AuthError> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, t.role, t.prefix, t.created_by, t.created_at, t.last_used_at, t.revoked_at, \
         t.expires_at, COALESCE(a.disabled, 0) AS creator_disabled FROM api_tokens t \
         LEFT JOIN accounts a ON a.username = t.created_by ORDER BY t.id DESC",
    )
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(TokenInfo {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Viewer),
                prefix: r.try_get("prefix")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
                expires_at: r.try_get("expires_at")?,
                creator_disabled: r.try_get::<i64, _>("creator_disabled")? != 0,
            })
        })
        .collect()
}

/// Revokes a token; `None` when it does not exist, its name otherwise.
pub async fn revoke(db: &Db, id: i64) -> Result<Option<String>, AuthError> {
    let row = sqlx::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? RETURNING name")
        .bind(clock::now())
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.try_get("name")).transpose()?)
}

/// Resolves a presented token; revoked, expired, unknown tokens and tokens of a disabled
/// creator give `None`. The last-use time is
/// written at most once a minute per token.
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<TokenAuth>, AuthError> {
    if !token.starts_with(PREFIX) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let now = clock::now();
    let row = sqlx::query(
        "SELECT id, name, role, created_by FROM api_tokens t WHERE token_hash = ? AND revoked_at IS NULL \
         AND (expires_at IS NULL OR expires_at > ?) \
         AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.username = t.created_by AND a.disabled != 0)",
    )
    .bind(&hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ? AND COALESCE(last_used_at, 0) < ?")
        .bind(now)
        .bind(&hash)
        .bind(now - 60)
        .execute(db)
        .await?;
    Ok(Some(TokenAuth {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        role: Role::parse(&row.try_get::<String, _>("role")?).unwrap_or(Role::Viewer),
        created_by: row.try_get("created_by")?,
    }))
}
