//! The SQLite store: one pool in WAL mode with a busy timeout; versioned migrations from
//! `engine/migrations` are applied at startup; the process's bulk-write queue and the pacing
//! rules that keep every write transaction short (no other writer waits long behind an import,
//! a snapshot or the dispatcher). SQL stays portable (PostgreSQL is the planned scale-out
//! engine) and lives in each area's `repo` module.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Shared handle to the database.
pub type Db = SqlitePool;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("converting attribute values to column blocks failed: {0}")]
    Convert(String),
}

/// Opens (creating if needed) the database file and applies pending migrations.
pub async fn open(path: &Path) -> Result<Db, DbError> {
    let display = path.display().to_string();
    let opts = SqliteConnectOptions::from_str("sqlite://")
        .map_err(|source| DbError::Open { path: display.clone(), source })?
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        // A local file needs no liveness ping before each query; the ping is one more trip
        // to the connection's worker thread per statement.
        .test_before_acquire(false)
        .connect_with(opts)
        .await
        .map_err(|source| DbError::Open { path: display, source })?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    crate::users::columns::convert_legacy(&pool).await.map_err(|e| DbError::Convert(e.to_string()))?;
    Ok(pool)
}

/// The process's queue for bulk writes (dispatcher rounds, receipt batches, import and
/// snapshot chunks). SQLite has one writer; bulk writers that contend in its busy handler
/// poll with sleeps of up to 100 ms, while this queue hands the lock over in arrival order.
/// Every holder keeps it for one short transaction (≤ ~50 ms of lock time), never across a
/// network wait.
static WRITES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Waits for this process's bulk-write turn; hold the guard for one short transaction.
pub async fn write_turn() -> tokio::sync::MutexGuard<'static, ()> {
    WRITES.lock().await
}

/// Starts a write transaction that takes SQLite's write lock at once (`BEGIN IMMEDIATE`). A
/// deferred transaction that reads first fails at its first write, without waiting, when
/// another connection committed in between (SQLITE_BUSY_SNAPSHOT); one that starts with the
/// lock waits in the busy handler like any other writer.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
    db.begin_with("BEGIN IMMEDIATE").await
}

/// Lock time a bulk writer aims for per transaction.
pub const BULK_TX_TARGET: Duration = Duration::from_millis(40);

/// After a bulk transaction that held the write lock for `held`: a pause that lets the
/// writers waiting in SQLite's busy handler (logins, audit records, vendor callbacks) in.
/// Their handler retries every few milliseconds at first, then every 25–100 ms, so a gap of
/// a few milliseconds after each short transaction is enough for them to get their turn.
pub async fn yield_to_writers(held: Duration) {
    LONGEST_BULK_TX_US.fetch_max(held.as_micros() as u64, std::sync::atomic::Ordering::Relaxed);
    tokio::time::sleep((held / 8).max(Duration::from_millis(3))).await;
}

static LONGEST_BULK_TX_US: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The longest write-lock hold of a paced bulk transaction (import, snapshot) since start.
pub fn longest_bulk_tx() -> Duration {
    Duration::from_micros(LONGEST_BULK_TX_US.load(std::sync::atomic::Ordering::Relaxed))
}

/// Grows or shrinks a bulk writer's rows per transaction towards [`BULK_TX_TARGET`].
pub fn next_chunk(rows: usize, held: Duration, min: usize, max: usize) -> usize {
    let next = if held < BULK_TX_TARGET / 2 {
        rows + (rows / 2).max(1)
    } else if held > BULK_TX_TARGET * 2 {
        rows / 2
    } else {
        rows
    };
    next.clamp(min, max)
}

/// Where an installation keeps its work files (import staging): next to the database file.
pub fn work_dir(db: &Db, name: &str) -> std::path::PathBuf {
    let opts = db.connect_options();
    let file = opts.get_filename();
    let base = match file.parent() {
        Some(p) if !file.as_os_str().is_empty() && file.to_str() != Some(":memory:") => p.to_path_buf(),
        _ => std::env::temp_dir(),
    };
    base.join(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_grow_from_one_and_shrink_towards_the_target() {
        assert_eq!(next_chunk(1, Duration::from_millis(1), 1, 100), 2, "a single request per transaction grows");
        assert_eq!(next_chunk(10, Duration::from_millis(1), 1, 100), 15);
        assert_eq!(next_chunk(10, BULK_TX_TARGET, 1, 100), 10);
        assert_eq!(next_chunk(10, BULK_TX_TARGET * 3, 1, 100), 5);
        assert_eq!(next_chunk(90, Duration::ZERO, 1, 100), 100, "bounded");
    }
}
