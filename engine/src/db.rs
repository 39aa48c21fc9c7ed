//! The SQLite store: one pool in WAL mode with a busy timeout; versioned migrations from
//! `engine/migrations` are applied at startup. SQL stays portable (PostgreSQL is the planned
//! scale-out engine) and lives in each area's `repo` module.

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
    Ok(pool)
}
