//! SQL for accounts and sessions.

use crate::{clock, Db};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub role: super::Role,
    pub disabled: bool,
}

fn account_from(row: &sqlx::sqlite::SqliteRow) -> Result<Account, sqlx::Error> {
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        // An unknown role string (never written by chuda) gets the least rights.
        role: super::Role::parse(&row.try_get::<String, _>("role")?).unwrap_or(super::Role::Viewer),
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

pub async fn count_accounts(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM accounts").fetch_one(db).await
}

pub async fn insert_account(db: &Db, username: &str, hash: &str, role: &str) -> Result<i64, sqlx::Error> {
    let now = clock::now();
    let row = sqlx::query(
        "INSERT INTO accounts (username, password_hash, role, created_at, password_changed_at) \
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(username)
    .bind(hash)
    .bind(role)
    .bind(now)
    .bind(now)
    .fetch_one(db)
    .await?;
    row.try_get("id")
}

pub async fn find_by_username(db: &Db, username: &str) -> Result<Option<(Account, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT id, username, role, disabled, password_hash FROM accounts WHERE username = ?")
        .bind(username)
        .fetch_optional(db)
        .await?;
    row.map(|r| Ok((account_from(&r)?, r.try_get("password_hash")?))).transpose()
}

pub async fn password_hash(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM accounts WHERE id = ?").bind(id).fetch_optional(db).await
}

pub async fn set_password(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE accounts SET password_hash = ?, password_changed_at = ? WHERE id = ?")
        .bind(hash)
        .bind(clock::now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn insert_session(db: &Db, token_hash: &[u8], account_id: i64, expires_at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
        .bind(token_hash)
        .bind(account_id)
        .bind(clock::now())
        .bind(expires_at)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn find_session(db: &Db, token_hash: &[u8], now: i64) -> Result<Option<Account>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT a.id, a.username, a.role, a.disabled FROM sessions s JOIN accounts a ON a.id = s.account_id \
         WHERE s.token_hash = ? AND s.expires_at > ? AND a.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(account_from).transpose()
}

pub async fn delete_session(db: &Db, token_hash: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).execute(db).await?;
    Ok(())
}

pub async fn delete_other_sessions(db: &Db, account_id: i64, keep: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE account_id = ? AND token_hash <> ?")
        .bind(account_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(())
}
