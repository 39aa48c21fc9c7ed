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
