//! The `imports` table: one record per import — started, being applied (with its staging
//! manifest), finished or failed — and its bad-row report.

use super::{Format, ImportOptions, ImportSummary};
use crate::users::UsersError;
use crate::{clock, Db};
use sqlx::Row;

pub async fn start_import(db: &Db, o: &ImportOptions) -> Result<i64, UsersError> {
    let format = if o.format == Format::Csv { "csv" } else { "ndjson" };
    let row = sqlx::query("INSERT INTO imports (file_name, format, encoding, status, actor, started_at) VALUES (?, ?, '', 'running', ?, ?) RETURNING id")
        .bind(&o.file_name)
        .bind(format)
        .bind(&o.actor)
        .bind(clock::now())
        .fetch_one(db)
        .await?;
    Ok(row.try_get("id")?)
}

pub async fn finish_import(db: &Db, id: i64, s: &ImportSummary, error: Option<&str>) -> Result<(), UsersError> {
    let bad = serde_json::to_string(&s.bad_rows).unwrap_or_else(|_| "[]".into());
    sqlx::query(
        "UPDATE imports SET encoding = ?, status = ?, rows_total = ?, rows_ok = ?, rows_bad = ?, users_new = ?, \
         users_updated = ?, bad_rows = ?, error = ?, finished_at = ?, phones_invalid = ?, duplicate_ids = ?, \
         staging = NULL WHERE id = ?",
    )
    .bind(&s.encoding)
    .bind(if error.is_some() { "failed" } else { "done" })
    .bind(s.rows_total as i64)
    .bind(s.rows_ok as i64)
    .bind(s.rows_bad as i64)
    .bind(s.users_new as i64)
    .bind(s.users_updated as i64)
    .bind(bad)
    .bind(error)
    .bind(clock::now())
    .bind(s.phones_invalid as i64)
    .bind(s.duplicate_ids as i64)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// Records a checked import as being applied, with its counts and its staging manifest.
pub async fn mark_applying(db: &Db, id: i64, s: &ImportSummary, staging: &str) -> Result<(), UsersError> {
    finish_import(db, id, s, None).await?;
    sqlx::query("UPDATE imports SET status = 'applying', staging = ?, finished_at = NULL WHERE id = ?")
        .bind(staging)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// An import completed after a restart: `done`, its new users added to what was recorded.
pub async fn finish_applied(db: &Db, id: i64, new: u64) -> Result<(), UsersError> {
    sqlx::query(
        "UPDATE imports SET status = 'done', staging = NULL, finished_at = ?, users_new = ?, \
         users_updated = MAX(rows_ok - ? - duplicate_ids, 0) WHERE id = ?",
    )
    .bind(clock::now())
    .bind(new as i64)
    .bind(new as i64)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

/// An import that could not be completed after a restart.
pub async fn fail_applying(db: &Db, id: i64, error: &str) -> Result<(), UsersError> {
    sqlx::query("UPDATE imports SET status = 'failed', staging = NULL, error = ?, finished_at = ? WHERE id = ?")
        .bind(error)
        .bind(clock::now())
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The stored bad-row report of an import (for download).
pub async fn import_bad_rows(db: &Db, id: i64) -> Result<Option<String>, UsersError> {
    Ok(sqlx::query_scalar("SELECT bad_rows FROM imports WHERE id = ?").bind(id).fetch_optional(db).await?)
}
