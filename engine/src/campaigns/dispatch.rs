//! The sending service: one `Dispatcher` serves all campaigns — startup recovery, a runner per
//! sending campaign (`run`), the per-vendor rate limit, pausing on configuration errors,
//! completion, and the delivery-report pull loop.

use super::{batches, get, Campaign, CampaignError};
use crate::provider::{ProviderError, SmsProvider};
use crate::{clock, Db};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Messages per campaign asked about per receipt-loop tick by vendors that answer per message.
const QUERY_PER_TICK: i64 = 200;

/// Tuning, from `[sending]` in the configuration.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Messages per second per vendor (token bucket).
    pub rate_per_sec: f64,
    /// Parallel requests per campaign.
    pub concurrency: usize,
    /// Attempts for a recipient whose whole request was refused as retryable.
    pub max_attempts: u32,
    /// First retry delay; doubles per attempt, with ±50 % jitter, capped at 5 minutes.
    pub backoff_ms: u64,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self { rate_per_sec: 1_000.0, concurrency: 2, max_attempts: 5, backoff_ms: 2_000 }
    }
}

/// Resolves the vendor client a campaign sends through (credentials, sandbox).
#[async_trait::async_trait]
pub trait Providers: Send + Sync {
    async fn provider(&self, campaign: &Campaign) -> Result<Arc<dyn SmsProvider>, ProviderError>;
}

pub struct Dispatcher {
    pub(super) db: Db,
    pub(super) providers: Arc<dyn Providers>,
    pub(super) config: DispatchConfig,
    /// Next free send slot per vendor.
    bucket: Mutex<std::collections::HashMap<&'static str, Instant>>,
    running: Mutex<HashSet<i64>>,
    /// Set at shutdown: runners stop claiming, record what is in flight, then end.
    draining: std::sync::atomic::AtomicBool,
}

impl Dispatcher {
    pub fn new(db: Db, providers: Arc<dyn Providers>, config: DispatchConfig) -> Arc<Self> {
        Arc::new(Self {
            db,
            providers,
            config,
            bucket: Mutex::default(),
            running: Mutex::default(),
            draining: Default::default(),
        })
    }

    /// Startup: requests left `sending` by a dead process become `unknown` (never resent), and
    /// campaigns that died while taking their snapshot go back to draft. Returns how many
    /// messages were marked unknown.
    pub async fn recover(&self) -> Result<u64, CampaignError> {
        let n = batches::recover(&self.db).await?;
        let cut: Vec<i64> = sqlx::query_scalar("SELECT id FROM campaigns WHERE status = 'sending' AND planned IS NULL")
            .fetch_all(&self.db)
            .await?;
        for id in cut {
            super::repo::discard_snapshot(&self.db, id, "开始时进程退出，请重新开始", super::Status::Draft).await?;
        }
        Ok(n)
    }

    /// Runs every campaign that is `sending` (after `recover`, or when one is started/resumed).
    pub async fn kick(self: &Arc<Self>) -> Result<(), CampaignError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM campaigns WHERE status = 'sending' AND planned IS NOT NULL")
                .fetch_all(&self.db)
                .await?;
        for id in ids {
            self.spawn(id);
        }
        Ok(())
    }

    /// Starts the runner of one campaign unless it is already running.
    pub fn spawn(self: &Arc<Self>, id: i64) {
        if self.draining() || !self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(id) {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            me.supervise(id).await;
            if let Err(e) = me.finish_if_done(id).await {
                tracing::error!(campaign = id, error = %e, "cannot finish campaign");
            }
            me.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        });
    }

    /// Runs the runner of `id` until it ends normally; a runner that fails (or panics) before
    /// or between requests is restarted with backoff while the campaign is still sending.
    async fn supervise(self: &Arc<Self>, id: i64) {
        let mut failures = 0u64;
        loop {
            let me = self.clone();
            let outcome = tokio::spawn(async move { me.run(id).await }).await;
            let error = match outcome {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e.to_string(),
                Err(panic) => format!("内部错误：{panic}"),
            };
            failures += 1;
            tracing::error!(campaign = id, error = %error, "dispatch loop failed; restarting");
            crate::health::failed(&self.db, super::run::SERVICE, &format!("活动 {id} 的发送循环出错：{error}"));
            tokio::time::sleep(crate::health::backoff(failures)).await;
            let still = sqlx::query_scalar::<_, String>("SELECT status FROM campaigns WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.db)
                .await;
            if self.draining() || matches!(still, Ok(Some(s)) if s != "sending") {
                return;
            }
        }
    }

    /// Pulls delivery reports for the accounts of every campaign that is sending or sent in the
    /// last 3 days (Chuanglan reports arrive up to 72 h later, §7.1), stores them and settles
    /// what they prove. Returns (stored, settled).
    pub async fn pull_receipts(&self) -> Result<(u64, u64), CampaignError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM campaigns WHERE status = 'sending' \
             OR (started_at IS NOT NULL AND COALESCE(finished_at, updated_at) > ?) ORDER BY id DESC",
        )
        .bind(clock::now() - 3 * 86_400)
        .fetch_all(&self.db)
        .await?;
        let mut seen = HashSet::new();
        let (mut stored, mut settled) = (0, 0);
        for id in ids {
            let Some(c) = get(&self.db, id).await? else { continue };
            let Ok(provider) = self.providers.provider(&c).await else { continue };
            // Per-message queries (Aliyun), bounded per tick; push is the bulk path.
            let waiting = match c.vendor {
                super::Vendor::Aliyun => super::receipts::waiting(&self.db, id, QUERY_PER_TICK).await?,
                super::Vendor::Chuanglan => Vec::new(),
            };
            let mut total = (0, 0);
            if !waiting.is_empty() {
                total = self.apply(id, "querying", provider.query_reports(&waiting).await).await?;
            }
            // One pull per account: the vendor deletes what it returns (Chuanglan §7.1).
            if seen.insert((c.vendor, c.sandbox)) {
                let pulled = self.apply(id, "pulling", provider.pull_reports().await).await?;
                total = (total.0 + pulled.0, total.1 + pulled.1);
                self.store_replies(c.vendor.as_str(), provider.pull_replies().await).await?;
            }
            stored += total.0;
            settled += total.1;
        }
        Ok((stored, settled))
    }

    /// Stores what a report query or pull returned; a vendor error is logged, not fatal.
    async fn apply(
        &self,
        id: i64,
        how: &str,
        got: Result<Vec<crate::provider::Report>, ProviderError>,
    ) -> Result<(u64, u64), CampaignError> {
        match got {
            // The vendor deleted these on its side when it returned them: retry until stored.
            Ok(reports) if !reports.is_empty() => {
                crate::health::retry_db(&self.db, "receipts", || super::receipts::store(&self.db, &reports)).await
            }
            Ok(_) => Ok((0, 0)),
            Err(e) => {
                tracing::warn!(campaign = id, code = %e.code, how, "fetching delivery reports failed");
                Ok((0, 0))
            }
        }
    }

    /// Stores pulled replies (opt-outs suppress their phone); a vendor error is logged.
    async fn store_replies(
        &self,
        vendor: &str,
        got: Result<Vec<crate::ledger::inbound::Reply>, ProviderError>,
    ) -> Result<(), CampaignError> {
        match got {
            Ok(replies) => {
                for r in &replies {
                    // Pulled replies are gone from the vendor: an opt-out must not be lost.
                    crate::health::retry_db(&self.db, "receipts", || {
                        crate::ledger::inbound::store(&self.db, vendor, r)
                    })
                    .await
                    .map_err(|e| CampaignError::Internal(format!("storing a reply failed: {e}")))?;
                }
            }
            Err(e) => tracing::warn!(code = %e.code, vendor, "fetching replies failed"),
        }
        Ok(())
    }

    /// Pulls receipts every `every` (the fallback when no push arrives).
    pub fn spawn_receipts_loop(self: &Arc<Self>, every: Duration) {
        let me = self.clone();
        crate::health::supervise(&self.db, "receipts", every, move || {
            let me = me.clone();
            async move { me.pull_receipts().await.map(|_| ()) }
        });
    }

    /// Shutdown: no runner claims another request; each waits for the vendor answers of the
    /// requests it has in flight, records them, and ends. Returns whether every runner ended
    /// within `limit` (requests still in flight after it become 结果未知 at the next start, as
    /// after a crash — never resent).
    pub async fn drain(&self, limit: Duration) -> bool {
        self.draining.store(true, std::sync::atomic::Ordering::SeqCst);
        let until = Instant::now() + limit;
        loop {
            let left = self.running.lock().unwrap_or_else(|p| p.into_inner()).len();
            if left == 0 {
                return true;
            }
            if Instant::now() >= until {
                tracing::warn!(
                    runners = left,
                    "shutdown drain timed out; in-flight requests will be reconciled at start"
                );
                return false;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub(super) fn draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Whether a runner is running for `id`.
    pub fn is_running(&self, id: i64) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).contains(&id)
    }

    pub(super) async fn pause_for(&self, id: i64, e: &ProviderError) -> Result<(), CampaignError> {
        let reason = format!("已自动暂停：[{}] {}。处理后点击“继续”。", e.code, e.explanation);
        tracing::warn!(campaign = id, code = %e.code, "campaign paused by a configuration error");
        match super::pause(&self.db, id, Some(&reason)).await {
            Ok(_) | Err(CampaignError::Invalid(_)) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Completes a sending campaign with no open batch — never one whose snapshot is still
    /// being taken (`planned` unset): its batches are not all written yet.
    async fn finish_if_done(&self, id: i64) -> Result<(), CampaignError> {
        if !batches::open(&self.db, id).await? {
            sqlx::query(
                "UPDATE campaigns SET status = 'completed', status_reason = NULL, finished_at = ?, updated_at = ? \
                 WHERE id = ? AND status = 'sending' AND planned IS NOT NULL",
            )
            .bind(clock::now())
            .bind(clock::now())
            .bind(id)
            .execute(&self.db)
            .await?;
        }
        Ok(())
    }

    /// Waits for the vendor's token bucket to cover `n` messages.
    /// Returns whether it had to wait.
    pub(super) async fn throttle(&self, vendor: &'static str, n: usize) -> bool {
        let per_msg = Duration::from_secs_f64(1.0 / self.config.rate_per_sec.max(0.001));
        let wait = {
            let mut b = self.bucket.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let slot = b.entry(vendor).or_insert(now);
            let start = (*slot).max(now);
            *slot = start + per_msg * n as u32;
            start.saturating_duration_since(now)
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        !wait.is_zero()
    }
}
