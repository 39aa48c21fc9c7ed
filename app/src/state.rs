//! Server-side state handed to every server function through Leptos context.

use engine::auth::LoginThrottle;
use std::sync::Arc;

/// Most campaigns whose statistics are kept in `ServerState::stats_cache`.
pub const STATS_CACHE_MAX: usize = 256;

/// The engine plus what only the console keeps: login throttling, full-phone lookup limits,
/// cookie flags and the statistics cache. Dereferences to the engine (`state.db`, …).
#[derive(Clone)]
pub struct ServerState {
    pub engine: engine::Engine,
    pub throttle: Arc<LoginThrottle>,
    /// Full-phone lookups per account (see `api::lookups`).
    pub lookups: Arc<engine::auth::RateLimit>,
    /// Adds `Secure` to the session cookie (set when served behind TLS).
    pub secure_cookies: bool,
    /// Campaign statistics by campaign id, with when and how long they took to compute.
    pub stats_cache: Arc<tokio::sync::Mutex<std::collections::HashMap<i64, CachedStats>>>,
}

impl std::ops::Deref for ServerState {
    type Target = engine::Engine;
    fn deref(&self) -> &engine::Engine {
        &self.engine
    }
}

/// Statistics of one campaign as last computed.
pub struct CachedStats {
    pub at: std::time::Instant,
    pub took: std::time::Duration,
    /// The statistics and how many failed messages a resend could help.
    pub stats: (engine::ledger::stats::Stats, u64),
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
    /// Campaign statistics and the resendable count, computed at most once per freshness window
    /// (see `CachedStats`); callers arriving while they are computed wait for that result
    /// instead of starting another.
    pub async fn campaign_stats(
        &self,
        id: i64,
    ) -> Result<(engine::ledger::stats::Stats, u64), engine::ledger::LedgerError> {
        let mut cache = self.stats_cache.lock().await;
        if let Some(c) = cache.get(&id).filter(|c| c.fresh()) {
            return Ok(c.stats.clone());
        }
        let started = std::time::Instant::now();
        let s = engine::ledger::stats::campaign(&self.db, id, self.receipt_timeout_secs).await?;
        let resendable = match s.failed + s.timeout {
            0 => 0,
            _ => engine::ledger::query::resendable_count(&self.db, id, self.receipt_timeout_secs).await?,
        };
        let entry = CachedStats { at: std::time::Instant::now(), took: started.elapsed(), stats: (s, resendable) };
        // Bounded: the entries not read for longest go first (stale ones are worthless anyway).
        if cache.len() >= STATS_CACHE_MAX {
            cache.retain(|_, c| c.fresh());
            while cache.len() >= STATS_CACHE_MAX {
                let Some(oldest) = cache.iter().min_by_key(|(_, c)| c.at).map(|(k, _)| *k) else { break };
                cache.remove(&oldest);
            }
        }
        let stats = entry.stats.clone();
        cache.insert(id, entry);
        Ok(stats)
    }
}
