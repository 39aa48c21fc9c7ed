//! Health of the background services (dispatcher runners, scheduler, receipt pull): each
//! reports success or failure here, `supervise` restarts a failed or panicked loop with
//! backoff, and the health endpoint and the campaign page read [`snapshot`]. Entries are kept
//! per database file, so consoles sharing a process (tests) do not see each other's faults.

use crate::Db;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// One service's state as shown to operators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceHealth {
    pub ok: bool,
    /// The last failure (Chinese, no secrets), kept until the next success.
    pub last_error: Option<String>,
    /// Unix seconds of the last failure and of the last success.
    pub failed_at: Option<i64>,
    pub ok_at: Option<i64>,
    /// Consecutive failures (0 when healthy) and restarts since start.
    pub failures: u64,
    pub restarts: u64,
}

/// Services by database file and name: several consoles in one process (the integration tests)
/// each see only their own services.
type Registry = BTreeMap<(PathBuf, &'static str), ServiceHealth>;
static SERVICES: Mutex<Registry> = Mutex::new(BTreeMap::new());

fn scope(db: &Db) -> PathBuf {
    db.connect_options().get_filename().to_path_buf()
}

fn with(db: &Db, name: &'static str, f: impl FnOnce(&mut ServiceHealth)) {
    let key = (scope(db), name);
    let mut all = SERVICES.lock().unwrap_or_else(|p| p.into_inner());
    f(all.entry(key).or_default());
}

/// Records a successful round of `name`.
pub fn ok(db: &Db, name: &'static str) {
    with(db, name, |s| {
        s.ok = true;
        s.failures = 0;
        s.last_error = None;
        s.ok_at = Some(crate::clock::now());
    });
}

/// Records a failed round of `name` (logged by the caller).
pub fn failed(db: &Db, name: &'static str, error: &str) {
    with(db, name, |s| {
        s.ok = false;
        s.failures += 1;
        s.last_error = Some(error.to_owned());
        s.failed_at = Some(crate::clock::now());
    });
}

fn restarted(db: &Db, name: &'static str) {
    with(db, name, |s| s.restarts += 1);
}

/// Every service of this database seen so far, by name.
pub fn snapshot(db: &Db) -> BTreeMap<String, ServiceHealth> {
    let scope = scope(db);
    let all = SERVICES.lock().unwrap_or_else(|p| p.into_inner());
    all.iter().filter(|((d, _), _)| *d == scope).map(|((_, k), v)| (k.to_string(), v.clone())).collect()
}

/// Whether every service of this database seen so far is healthy.
pub fn all_ok(db: &Db) -> bool {
    snapshot(db).values().all(|s| s.ok)
}

/// Backoff after `failures` consecutive failures: 1 s doubling to 60 s.
pub fn backoff(failures: u64) -> Duration {
    Duration::from_secs(1u64 << failures.saturating_sub(1).min(6)).min(Duration::from_secs(60))
}

/// Runs `round` every `every`, forever: a failed round is recorded and followed by a backoff
/// pause; a panicking round is recorded as a failure and the loop is restarted.
pub fn supervise<F, Fut, E>(db: &Db, name: &'static str, every: Duration, round: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    ok(db, name);
    let db = db.clone();
    let round = std::sync::Arc::new(round);
    tokio::spawn(async move {
        let mut failures = 0u64;
        loop {
            tokio::time::sleep(every).await;
            let r = round.clone();
            match tokio::spawn(async move { r().await }).await {
                Ok(Ok(())) => {
                    failures = 0;
                    ok(&db, name);
                }
                Ok(Err(e)) => {
                    failures += 1;
                    tracing::warn!(service = name, error = %e, "background service round failed");
                    failed(&db, name, &e.to_string());
                    tokio::time::sleep(backoff(failures)).await;
                }
                Err(panic) => {
                    failures += 1;
                    tracing::error!(service = name, error = %panic, "background service panicked; restarting");
                    failed(&db, name, "内部错误，已自动重启");
                    restarted(&db, name);
                    tokio::time::sleep(backoff(failures)).await;
                }
            }
        }
    });
}

/// Retries `op` while it fails with a database error, with backoff (50 ms doubling to 5 s),
/// recording the failures under `name`. For work that must not be dropped (a vendor's answer
/// already received, a pulled report the vendor has deleted on its side).
pub async fn retry_db<T, E, F, Fut>(db: &Db, name: &'static str, mut op: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display + IsDbError,
{
    let mut failures = 0u32;
    loop {
        match op().await {
            Err(e) if e.is_db_error() => {
                failures += 1;
                tracing::warn!(service = name, attempt = failures, error = %e, "database error; retrying");
                failed(db, name, &format!("数据库暂时不可用：{e}"));
                let wait = Duration::from_millis(50u64 << failures.min(7)).min(Duration::from_secs(5));
                tokio::time::sleep(wait).await;
            }
            other => {
                if failures > 0 && other.is_ok() {
                    ok(db, name);
                }
                return other;
            }
        }
    }
}

/// Errors that may be a passing database fault (worth retrying).
pub trait IsDbError {
    fn is_db_error(&self) -> bool;
}

impl IsDbError for sqlx::Error {
    fn is_db_error(&self) -> bool {
        !matches!(self, sqlx::Error::RowNotFound | sqlx::Error::ColumnNotFound(_) | sqlx::Error::Decode(_))
    }
}

impl IsDbError for crate::campaigns::CampaignError {
    fn is_db_error(&self) -> bool {
        matches!(self, Self::Db(e) if e.is_db_error())
    }
}

impl IsDbError for crate::compliance::ComplianceError {
    fn is_db_error(&self) -> bool {
        matches!(self, Self::Db(e) if e.is_db_error())
    }
}

impl IsDbError for crate::users::UsersError {
    fn is_db_error(&self) -> bool {
        matches!(self, Self::Db(e) if e.is_db_error())
    }
}

impl IsDbError for crate::ledger::LedgerError {
    fn is_db_error(&self) -> bool {
        match self {
            Self::Db(e) => e.is_db_error(),
            Self::Campaign(e) => e.is_db_error(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_a_minute() {
        assert_eq!(backoff(1), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(4));
        assert_eq!(backoff(50), Duration::from_secs(60));
    }

    #[tokio::test]
    async fn each_database_sees_only_its_own_services() {
        let dir = tempfile::tempdir().expect("dir");
        let a = crate::db::open(&dir.path().join("a.db")).await.expect("db");
        let b = crate::db::open(&dir.path().join("b.db")).await.expect("db");
        failed(&a, "dispatcher", "数据库暂时不可用");
        ok(&b, "dispatcher");
        assert!(!all_ok(&a));
        assert!(all_ok(&b), "another console's fault does not show here");
        assert_eq!(snapshot(&a)["dispatcher"].last_error.as_deref(), Some("数据库暂时不可用"));
        ok(&a, "dispatcher");
        assert!(all_ok(&a));
    }

    #[tokio::test]
    async fn database_errors_are_retried_until_the_operation_succeeds() {
        let dir = tempfile::tempdir().expect("dir");
        let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
        let mut calls = 0;
        let got: Result<u32, sqlx::Error> = retry_db(&db, "test-retry", || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(sqlx::Error::PoolTimedOut)
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(got.expect("third call"), 3);
        assert!(snapshot(&db)["test-retry"].ok, "a success clears the failure");
    }
}
