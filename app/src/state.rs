//! Server-side state handed to every server function through Leptos context.

use engine::auth::LoginThrottle;
use engine::provider::{aliyun, chuanglan};
use engine::secrets::MasterKey;
use engine::Db;
use std::sync::Arc;

/// Most campaigns whose statistics are kept in `ServerState::stats_cache`.
pub const STATS_CACHE_MAX: usize = 256;

#[derive(Clone)]
pub struct ServerState {
    pub db: Db,
    pub key: MasterKey,
    pub throttle: Arc<LoginThrottle>,
    /// Full-phone lookups per account (see `api::lookups`).
    pub lookups: Arc<engine::auth::RateLimit>,
    /// Adds `Secure` to the session cookie (set when served behind TLS).
    pub secure_cookies: bool,
    pub chuanglan: chuanglan::Client,
    pub aliyun: aliyun::Client,
    /// The built-in 创蓝 simulator behind 沙箱模式 (loopback only).
    pub sandbox: Arc<engine::simulator::chuanglan::Simulator>,
    /// Column cache for live segment counts; invalidated by imports and phone changes.
    pub segments: Arc<engine::segments::Index>,
    /// The campaign sending worker.
    pub dispatcher: Arc<engine::campaigns::dispatch::Dispatcher>,
    /// Group-commit writer for pushed delivery reports.
    pub receipts: engine::campaigns::receipts::Writer,
    /// Campaign statistics by campaign id, with when and how long they took to compute.
    pub stats_cache: Arc<tokio::sync::Mutex<std::collections::HashMap<i64, CachedStats>>>,
    /// A submitted message without a report for this long is 超时未回执.
    pub receipt_timeout_secs: i64,
}

/// Statistics of one campaign as last computed.
pub struct CachedStats {
    pub at: std::time::Instant,
    pub took: std::time::Duration,
    pub stats: crate::dto::ledger::StatsView,
}

impl CachedStats {
    /// Fresh for twice a second, or three times as long as computing took, whichever is longer:
    /// a page refreshing every 2 s on a million-message campaign never queues computations.
    pub fn fresh(&self) -> bool {
        self.at.elapsed() < (self.took * 3).max(std::time::Duration::from_millis(500))
    }
}

impl std::fmt::Debug for ServerState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerState")
    }
}

impl ServerState {
    /// After users or phones change: drops cached segment columns and reloads them in the
    /// background, so the operator's next count does not pay for the load.
    pub fn users_changed(&self) {
        self.segments.invalidate();
        let (index, db) = (self.segments.clone(), self.db.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            match index.prewarm(&db).await {
                Ok(n) => {
                    tracing::info!(attributes = n, ms = started.elapsed().as_millis() as u64, "segment index loaded")
                }
                Err(e) => tracing::warn!(error = %e, "segment index prewarm failed"),
            }
        });
    }
}
