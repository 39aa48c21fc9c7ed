//! Applies a staged import in short transactions (each ≤ ~50 ms of write lock, taken through
//! the process's bulk-write queue, with a pause after each so logins and vendor callbacks get
//! in). Imports are applied one at a time. Upserts are idempotent, so an apply cut short by a
//! crash is simply run again from the staging file at the next start ([`resume`]).

use super::super::phones;
use super::super::repo::{self, PendingUser};
use super::super::UsersError;
use super::staging::{Manifest, Reader, StagedRow};
use crate::Db;
use sqlx::SqliteConnection;
use std::time::Instant;
use tokio::sync::mpsc;

/// Rows per transaction: the starting size and its bounds (adapted to the lock time).
const FIRST_CHUNK: usize = 500;
const MIN_CHUNK: usize = 50;
const MAX_CHUNK: usize = 20_000;

/// One import applies at a time (their chunks would interleave otherwise).
static APPLYING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Page cache of the connection that applies an import (KiB), restored afterwards. SQLite's
/// default 2 MB makes the user-id index and the column blocks of every chunk re-read pages
/// from the file; 16 MB took ~0.4 s off the write phase of a million users (and 32 MB
/// little more, for 20 MB more memory).
const IMPORT_CACHE_KIB: i64 = 16 * 1024;

/// Writes the staged rows; returns how many users were new.
pub async fn apply(db: &Db, manifest: &Manifest) -> Result<u64, UsersError> {
    let _one = APPLYING.lock().await;
    let attrs = resolve(db, manifest).await?;
    let reader = Reader::open(&manifest.file)?;
    let mut conn = db.acquire().await?;
    let cache: i64 = sqlx::query_scalar("PRAGMA cache_size").fetch_one(&mut *conn).await?;
    sqlx::query(&format!("PRAGMA cache_size = -{IMPORT_CACHE_KIB}")).execute(&mut *conn).await?;
    let applied = apply_rows(&mut conn, reader, &attrs).await;
    let restored = sqlx::query(&format!("PRAGMA cache_size = {cache}")).execute(&mut *conn).await;
    let _ = sqlx::query("PRAGMA shrink_memory").execute(&mut *conn).await;
    if restored.is_err() {
        // A connection left with the large cache is not returned to the pool.
        conn.detach();
    }
    applied
}

/// Staged rows per message from the prefetching reader.
const PREFETCH_BATCH: usize = 1000;

/// Reads (and maps to attribute ids) the staged rows on a blocking thread, so the next chunk
/// is decoded while the current one is written.
fn prefetch(mut reader: Reader, attrs: Vec<Option<i64>>) -> mpsc::Receiver<Result<Vec<PendingUser>, UsersError>> {
    let (tx, rx) = mpsc::channel(8);
    tokio::task::spawn_blocking(move || loop {
        let batch = reader.next(PREFETCH_BATCH).map(|rows| rows.into_iter().map(|r| with_ids(r, &attrs)).collect());
        let last = matches!(&batch, Ok(b) if Vec::is_empty(b)) || batch.is_err();
        if tx.blocking_send(batch).is_err() || last {
            return;
        }
    });
    rx
}

async fn apply_rows(conn: &mut SqliteConnection, reader: Reader, attrs: &[Option<i64>]) -> Result<u64, UsersError> {
    let mut staged = prefetch(reader, attrs.to_vec());
    let (mut rows, mut new, mut done) = (FIRST_CHUNK, 0u64, false);
    let mut carry: Vec<PendingUser> = Vec::new();
    let mut entries: Vec<phones::Entry> = Vec::new();
    loop {
        while carry.len() < rows && !done {
            match staged.recv().await {
                Some(Ok(batch)) if !batch.is_empty() => carry.extend(batch),
                Some(Err(e)) => return Err(e),
                _ => done = true,
            }
        }
        if carry.is_empty() {
            phones::write_sorted(conn, entries).await?;
            return Ok(new);
        }
        let take = carry.len().min(rows);
        let pending = super::merge_duplicates(carry.drain(..take).collect());
        let turn = crate::db::write_turn().await;
        let started = Instant::now();
        new += write_chunk(conn, &pending, &mut entries).await?;
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

/// One transaction: users, values, invalid phones cleared. Returns the users it created and
/// adds the (phone, row id) pairs for the lookup table, written once all rows are in.
async fn write_chunk(
    conn: &mut SqliteConnection,
    rows: &[PendingUser],
    entries: &mut Vec<phones::Entry>,
) -> Result<u64, UsersError> {
    let mut tx = sqlx::Connection::begin_with(conn, "BEGIN IMMEDIATE").await?;
    let before: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(&mut *tx).await?;
    let ids = repo::upsert_users(&mut tx, rows).await?;
    let values: Vec<_> =
        ids.iter().zip(rows).flat_map(|(id, (_, vals, _))| vals.iter().map(move |(a, v)| (*a, *id, v))).collect();
    repo::upsert_values(&mut tx, &values).await?;
    if rows.iter().any(|(_, _, p)| p.as_deref() == Some("")) {
        sqlx::query("UPDATE users SET phone = NULL WHERE phone = ''").execute(&mut *tx).await?;
    }
    tx.commit().await?;
    entries.extend(ids.iter().zip(rows).filter_map(|(id, (_, _, p))| phones::entry(p.as_deref()?, *id)));
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
