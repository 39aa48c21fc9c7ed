//! Import history and headline counts for the 用户 page.

use super::UsersError;
use crate::Db;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One import run as recorded in `imports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRecord {
    pub id: i64,
    pub file_name: String,
    pub status: String,
    pub encoding: String,
    pub rows_total: u64,
    pub rows_ok: u64,
    pub rows_bad: u64,
    pub users_new: u64,
    pub users_updated: u64,
    pub phones_invalid: u64,
    pub duplicate_ids: u64,
    pub error: Option<String>,
    pub actor: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
}

fn decode(r: &sqlx::sqlite::SqliteRow) -> Result<ImportRecord, sqlx::Error> {
    let n = |c: &str| r.try_get::<i64, _>(c).map(|v| v.max(0) as u64);
    Ok(ImportRecord {
        id: r.try_get("id")?,
        file_name: r.try_get("file_name")?,
        status: r.try_get("status")?,
        encoding: r.try_get("encoding")?,
        rows_total: n("rows_total")?,
        rows_ok: n("rows_ok")?,
        rows_bad: n("rows_bad")?,
        users_new: n("users_new")?,
        users_updated: n("users_updated")?,
        phones_invalid: n("phones_invalid")?,
        duplicate_ids: n("duplicate_ids")?,
        error: r.try_get("error")?,
        actor: r.try_get("actor")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

const COLUMNS: &str =
    "SELECT id, file_name, status, encoding, rows_total, rows_ok, rows_bad, users_new, users_updated, \
                       phones_invalid, duplicate_ids, error, actor, started_at, finished_at FROM imports";

/// The latest imports, newest first.
pub async fn recent_imports(db: &Db, limit: i64) -> Result<Vec<ImportRecord>, UsersError> {
    let rows = sqlx::query(&format!("{COLUMNS} ORDER BY id DESC LIMIT ?")).bind(limit).fetch_all(db).await?;
    Ok(rows.iter().map(decode).collect::<Result<_, _>>()?)
}

pub async fn import_record(db: &Db, id: i64) -> Result<Option<ImportRecord>, UsersError> {
    let row = sqlx::query(&format!("{COLUMNS} WHERE id = ?")).bind(id).fetch_optional(db).await?;
    Ok(row.as_ref().map(decode).transpose()?)
}

/// Headline counts of the 用户 page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    pub users: u64,
    pub with_phone: u64,
    /// Users whose valid phone another user also has (one message per phone is sent).
    pub shared_phone: u64,
}

pub async fn headline(db: &Db) -> Result<Headline, UsersError> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM users) AS n, (SELECT COUNT(phone) FROM users) AS p, \
         (SELECT COALESCE(SUM(c), 0) FROM (SELECT COUNT(*) AS c FROM users WHERE phone IS NOT NULL GROUP BY phone HAVING c > 1)) AS d",
    )
    .fetch_one(db)
    .await?;
    let n = |c: &str| row.try_get::<i64, _>(c).map(|v| v.max(0) as u64);
    Ok(Headline { users: n("n")?, with_phone: n("p")?, shared_phone: n("d")? })
}
