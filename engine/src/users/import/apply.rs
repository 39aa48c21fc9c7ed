//! Applies a staged import in short transactions (each ≤ ~50 ms of write lock, taken through
//! the process's bulk-write queue, with a pause after each so logins and vendor callbacks get
//! in). Imports are applied one at a time. Upserts are idempotent, so an apply cut short by a
//! crash is simply run again from the staging file at the next start ([`resume`]).

use super::super::repo::{self, PendingUser};
use super::super::UsersError;
use super::staging::{Manifest, Reader, StagedRow};
use crate::Db;
use std::time::Instant;

/// Rows per transaction: the starting size and its bounds (adapted to the lock time).
const FIRST_CHUNK: usize = 500;
const MIN_CHUNK: usize = 50;
const MAX_CHUNK: usize = 20_000;

/// One import applies at a time (their chunks would interleave otherwise).
static APPLYING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Writes the staged rows; returns how many users were new.
pub async fn apply(db: &Db, manifest: &Manifest) -> Result<u64, UsersError> {
    let _one = APPLYING.lock().await;
    let attrs = resolve(db, manifest).await?;
    let mut reader = Reader::open(&manifest.file)?;
    let (mut rows, mut new) = (FIRST_CHUNK, 0u64);
    loop {
        let staged = reader.next(rows)?;
        if staged.is_empty() {
            return Ok(new);
        }
        let pending = super::merge_duplicates(staged.into_iter().map(|r| with_ids(r, &attrs)).collect());
        let turn = crate::db::write_turn().await;
        let started = Instant::now();
        new += write_chunk(db, &pending).await?;
        let held = started.elapsed();
        drop(turn);
        rows = crate::db::next_chunk(rows, held, MIN_CHUNK, MAX_CHUNK);
        crate::db::yield_to_writers(held).await;
    }
}

fn with_ids((id, vals, phone): StagedRow, attrs: &[Option<i64>]) -> PendingUser {
    let vals = vals.into_iter().filter_map(|(col, v)| Some((attrs.get(col).copied().flatten()?, v))).collect();
    (id, vals, phone)
}

/// One transaction: users, values, invalid phones cleared. Returns the users it created.
async fn write_chunk(db: &Db, rows: &[PendingUser]) -> Result<u64, UsersError> {
    let mut tx = crate::db::begin_write(db).await?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(&mut *tx).await?;
    let ids = repo::upsert_users(&mut tx, rows).await?;
    let values: Vec<_> =
        ids.iter().zip(rows).flat_map(|(id, (_, vals, _))| vals.iter().map(move |(a, v)| (*a, *id, v))).collect();
    repo::upsert_values(&mut tx, &values).await?;
    if rows.iter().any(|(_, _, p)| p.as_deref() == Some("")) {
        sqlx::query("UPDATE users SET phone = NULL WHERE phone = ''").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(ids.iter().filter(|id| **id > before).count() as u64)
}

/// The attribute id of every column (creating new attributes, in one short transaction).
/// An attribute created meanwhile with another type refuses the import.
async fn resolve(db: &Db, manifest: &Manifest) -> Result<Vec<Option<i64>>, UsersError> {
    let _turn = crate::db::write_turn().await;
    let mut tx = crate::db::begin_write(db).await?;
    let existing = repo::attributes_by_name(&mut tx).await?;
    let mut out = Vec::with_capacity(manifest.columns.len());
    for (name, ty) in &manifest.columns {
        let Some(ty) = ty else {
            out.push(None);
            continue;
        };
        let id = match existing.get(name) {
            Some((id, have)) if have == ty => *id,
            Some((_, have)) => {
                return Err(UsersError::Invalid(format!(
                    "属性“{name}”在导入期间已被创建为{}（本文件按{}读取），请重新导入",
                    have.label(),
                    ty.label()
                )))
            }
            None => repo::insert_attribute(&mut tx, name, *ty).await?,
        };
        out.push(Some(id));
    }
    tx.commit().await?;
    Ok(out)
}

/// Startup: imports cut short while reading are failed (nothing of them was applied); imports
/// cut short while applying are applied again from their staging file. Returns how many were
/// completed.
pub async fn resume(db: &Db) -> Result<usize, UsersError> {
    sqlx::query(
        "UPDATE imports SET status = 'failed', error = '导入时进程退出，文件未应用，请重新导入', finished_at = ? \
         WHERE status = 'running'",
    )
    .bind(crate::clock::now())
    .execute(db)
    .await?;
    let open: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, staging FROM imports WHERE status = 'applying' AND staging IS NOT NULL")
            .fetch_all(db)
            .await?;
    let mut done = 0;
    for (id, staging) in open {
        let result = match serde_json::from_str::<Manifest>(&staging) {
            Ok(m) if m.file.exists() => apply(db, &m).await.map(|new| (m, new)),
            Ok(_) => Err(UsersError::Invalid("暂存文件已丢失，导入未完成，请重新导入".into())),
            Err(e) => Err(UsersError::Invalid(format!("暂存记录损坏：{e}"))),
        };
        match result {
            Ok((m, new)) => {
                super::record::finish_applied(db, id, new).await?;
                let _ = std::fs::remove_file(&m.file);
                tracing::info!(import = id, "an import cut short by a restart was completed");
                done += 1;
            }
            Err(e) => {
                tracing::error!(import = id, error = %e, "an interrupted import could not be completed");
                super::record::fail_applying(db, id, &e.to_string()).await?;
            }
        }
    }
    Ok(done)
}
