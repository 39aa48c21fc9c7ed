//! Team account administration: list, add, change role, disable/enable, reset password.
//! Invariant: there is always at least one enabled admin — the check and the change are one
//! SQL statement, so two admins demoting each other at the same moment cannot both succeed.

use super::{check_new_password, hash_password_blocking, AuthError, Role};
use crate::{clock, Db};
use sqlx::Row;

/// An account as the 账号管理 page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountInfo {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: i64,
    pub created_by: String,
    pub last_login_at: Option<i64>,
}

/// Enabled admins other than `id`; a change that would leave none is refused.
const OTHER_ADMINS: &str =
    "(SELECT COUNT(*) FROM accounts o WHERE o.role = 'admin' AND o.disabled = 0 AND o.id <> accounts.id)";

const SELECT: &str = "SELECT id, username, role, disabled, created_at, created_by, last_login_at FROM accounts";

fn info(r: &sqlx::sqlite::SqliteRow) -> Result<AccountInfo, AuthError> {
    Ok(AccountInfo {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Viewer),
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        created_at: r.try_get("created_at")?,
        created_by: r.try_get("created_by")?,
        last_login_at: r.try_get("last_login_at")?,
    })
}

pub async fn list(db: &Db) -> Result<Vec<AccountInfo>, AuthError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY id")).fetch_all(db).await?;
    rows.iter().map(info).collect()
}

/// User names: 2–32 letters, digits, `.`, `_`, `-` or `@`.
pub fn check_username(name: &str) -> Result<(), AuthError> {
    let ok = (2..=32).contains(&name.chars().count())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AuthError::InvalidUsername("用户名需 2–32 个字符，只能包含字母、数字和 . _ - @".into()))
    }
}

pub async fn create(db: &Db, username: &str, role: Role, password: &str, actor: &str) -> Result<i64, AuthError> {
    let username = username.trim();
    check_username(username)?;
    check_new_password(password)?;
    let now = clock::now();
    let inserted = sqlx::query(
        "INSERT INTO accounts (username, password_hash, role, created_at, password_changed_at, created_by) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(username) DO NOTHING RETURNING id",
    )
    .bind(username)
    .bind(hash_password_blocking(password).await?)
    .bind(role.as_str())
    .bind(now)
    .bind(now)
    .bind(actor)
    .fetch_optional(db)
    .await?;
    match inserted {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(AuthError::DuplicateUsername),
    }
}

pub async fn set_role(db: &Db, id: i64, role: Role) -> Result<AccountInfo, AuthError> {
    let sql = format!("UPDATE accounts SET role = ? WHERE id = ? AND (? = 'admin' OR {OTHER_ADMINS} > 0)");
    let done = sqlx::query(&sql).bind(role.as_str()).bind(id).bind(role.as_str()).execute(db).await?;
    finish(db, id, done.rows_affected()).await
}

/// Disabling also ends the account's sessions.
pub async fn set_disabled(db: &Db, id: i64, disabled: bool) -> Result<AccountInfo, AuthError> {
    let sql = format!("UPDATE accounts SET disabled = ? WHERE id = ? AND (? = 0 OR {OTHER_ADMINS} > 0)");
    let flag = i64::from(disabled);
    let done = sqlx::query(&sql).bind(flag).bind(id).bind(flag).execute(db).await?;
    let info = finish(db, id, done.rows_affected()).await?;
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE account_id = ?").bind(id).execute(db).await?;
    }
    Ok(info)
}

/// Sets a new password chosen by an admin; every session of the account ends.
pub async fn reset_password(db: &Db, id: i64, password: &str) -> Result<AccountInfo, AuthError> {
    check_new_password(password)?;
    super::repo::set_password(db, id, &hash_password_blocking(password).await?).await?;
    sqlx::query("DELETE FROM sessions WHERE account_id = ?").bind(id).execute(db).await?;
    get(db, id).await?.ok_or(AuthError::NotFound)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AccountInfo>, AuthError> {
    let row = sqlx::query(&format!("{SELECT} WHERE id = ?")).bind(id).fetch_optional(db).await?;
    row.as_ref().map(info).transpose()
}

/// No row changed: either the account does not exist or the last-admin rule refused it.
async fn finish(db: &Db, id: i64, changed: u64) -> Result<AccountInfo, AuthError> {
    let info = get(db, id).await?.ok_or(AuthError::NotFound)?;
    if changed == 0 {
        return Err(AuthError::LastAdmin);
    }
    Ok(info)
}

pub(super) async fn touch_login(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET last_login_at = ? WHERE id = ?").bind(clock::now()).bind(id).execute(db).await?;
    Ok(())
}
