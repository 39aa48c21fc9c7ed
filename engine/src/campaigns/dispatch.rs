//! The sending worker: claims batches of queued recipients, submits them through the
//! campaign's vendor under a rate limit, and records every outcome (see the module invariants
//! in `campaigns`). One `Dispatcher` serves all campaigns; each sending campaign runs
//! `concurrency` claim–submit loops.

use super::{get, Campaign, CampaignError, Status};
use crate::provider::{Batch, ErrorClass, OutMessage, ProviderError, SmsProvider, Submitted};
use crate::{clock, Db};
use sqlx::Row;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    db: Db,
    providers: Arc<dyn Providers>,
    config: DispatchConfig,
    /// Next free send slot per vendor.
    bucket: Mutex<std::collections::HashMap<&'static str, Instant>>,
    running: Mutex<HashSet<i64>>,
}

impl Dispatcher {
    pub fn new(db: Db, providers: Arc<dyn Providers>, config: DispatchConfig) -> Arc<Self> {
        Arc::new(Self { db, providers, config, bucket: Mutex::default(), running: Mutex::default() })
    }

    /// Startup: rows left `sending` by a dead process become `unknown` (never resent), and
    /// campaigns that died while taking their snapshot go back to draft. Returns how many
    /// recipients were marked unknown.
    pub async fn recover(&self) -> Result<u64, CampaignError> {
        let mut tx = self.db.begin().await?;
        let n = sqlx::query(
            "UPDATE recipients SET status = 'unknown', code = 'interrupted', \
             reason = '发送请求进行中时进程退出，结果未知；不会自动重发，待回执核对' WHERE status = 'sending'",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE batches SET status = 'unknown', code = 'interrupted' WHERE status = 'inflight'")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE campaigns SET status = 'draft', start_key = NULL, status_reason = '开始时进程退出，请重新开始' \
             WHERE status = 'sending' AND planned IS NULL",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
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

    /// Starts the loops of one campaign unless they are already running.
    pub fn spawn(self: &Arc<Self>, id: i64) {
        if !self.running.lock().unwrap_or_else(|p| p.into_inner()).insert(id) {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..me.config.concurrency.max(1) {
                let me = me.clone();
                set.spawn(async move { me.work(id).await });
            }
            while let Some(done) = set.join_next().await {
                if let Ok(Err(e)) = done {
                    tracing::error!(campaign = id, error = %e, "dispatch loop failed");
                }
            }
            me.running.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
            if let Err(e) = me.finish_if_done(id).await {
                tracing::error!(campaign = id, error = %e, "cannot finish campaign");
            }
        });
    }

    /// Pulls delivery reports for every campaign that still has `unknown` recipients or is
    /// sending, stores them and settles what they prove. Returns (stored, settled).
    pub async fn pull_receipts(&self) -> Result<(u64, u64), CampaignError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT c.id FROM campaigns c WHERE c.status = 'sending'              OR EXISTS (SELECT 1 FROM recipients r WHERE r.campaign_id = c.id AND r.status = 'unknown')",
        )
        .fetch_all(&self.db)
        .await?;
        let mut seen = HashSet::new();
        let (mut stored, mut settled) = (0, 0);
        for id in ids {
            let Some(c) = get(&self.db, id).await? else { continue };
            // One pull per account: the vendor deletes what it returns (Chuanglan §7.1).
            if !seen.insert((c.vendor, c.sandbox)) {
                continue;
            }
            let Ok(provider) = self.providers.provider(&c).await else { continue };
            match provider.pull_reports().await {
                Ok(reports) if !reports.is_empty() => {
                    let (a, b) = super::receipts::store(&self.db, &reports).await?;
                    stored += a;
                    settled += b;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(campaign = id, code = %e.code, "pulling delivery reports failed"),
            }
        }
        Ok((stored, settled))
    }

    /// Pulls receipts every `every` (the fallback when no push arrives).
    pub fn spawn_receipts_loop(self: &Arc<Self>, every: Duration) {
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = me.pull_receipts().await {
                    tracing::warn!(error = %e, "receipt loop failed");
                }
            }
        });
    }

    /// Whether loops are running for `id`.
    pub fn is_running(&self, id: i64) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).contains(&id)
    }

    async fn work(&self, id: i64) -> Result<(), CampaignError> {
        loop {
            let Some(c) = get(&self.db, id).await? else { return Ok(()) };
            if c.status != Status::Sending {
                return Ok(());
            }
            let provider = match self.providers.provider(&c).await {
                Ok(p) => p,
                Err(e) => return self.pause_for(&c, &e).await,
            };
            let size = provider.max_batch(&c.content).max(1);
            let Some((batch_id, uid, rows)) = self.claim(id, size).await? else {
                match self.next_retry_in(id).await? {
                    Some(wait) => {
                        tokio::time::sleep(wait.min(Duration::from_millis(500))).await;
                        continue;
                    }
                    None => return Ok(()),
                }
            };
            self.throttle(c.vendor.as_str(), rows.len()).await;
            if get(&self.db, id).await?.map(|c| c.status) != Some(Status::Sending) {
                // Paused or cancelled while waiting for the rate limit: nothing was sent.
                return self.release(batch_id).await;
            }
            let batch = Batch {
                signature: c.signature.clone(),
                content: c.content.clone(),
                messages: rows.iter().map(|(_, m)| m.clone()).collect(),
                uid: Some(uid),
            };
            let outcome = provider.submit(&batch).await;
            if let Err(e) = &outcome {
                if e.class == ErrorClass::Configuration {
                    self.record(batch_id, &outcome).await?;
                    return self.pause_for(&c, e).await;
                }
            }
            self.record(batch_id, &outcome).await?;
        }
    }

    /// Claims up to `size` due recipients into a new batch, committed before any vendor call.
    /// No `ORDER BY`: the claim index is (campaign, status, next_at, id), and sorting by id
    /// would sort every queued row on each claim.
    async fn claim(
        &self,
        id: i64,
        size: usize,
    ) -> Result<Option<(i64, String, Vec<(i64, OutMessage)>)>, CampaignError> {
        let now = clock::now();
        let mut tx = self.db.begin().await?;
        let batch_id: i64 = sqlx::query_scalar(
            "INSERT INTO batches (campaign_id, uid, size, status, started_at) VALUES (?, ?, 0, 'inflight', ?) RETURNING id",
        )
        .bind(id)
        .bind(format!("pending-{id}-{}", uuid_part()))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let uid = format!("c{id}b{batch_id}");
        let rows = sqlx::query(
            "UPDATE recipients SET status = 'sending', batch_id = ? WHERE id IN (SELECT id FROM recipients \
             WHERE campaign_id = ? AND status = 'queued' AND next_at <= ? LIMIT ?) RETURNING id, phone, vals",
        )
        .bind(batch_id)
        .bind(id)
        .bind(now)
        .bind(size as i64)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.rollback().await?;
            return Ok(None);
        }
        sqlx::query("UPDATE batches SET uid = ?, size = ? WHERE id = ?")
            .bind(&uid)
            .bind(rows.len() as i64)
            .bind(batch_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let values: Vec<String> = serde_json::from_str(&r.try_get::<String, _>("vals")?).unwrap_or_default();
            out.push((r.try_get("id")?, OutMessage { phone: r.try_get("phone")?, values }));
        }
        out.sort_by_key(|(id, _)| *id);
        Ok(Some((batch_id, uid, out)))
    }

    /// Puts a claimed but unsent batch back in the queue.
    async fn release(&self, batch_id: i64) -> Result<(), CampaignError> {
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE recipients SET status = 'queued', batch_id = NULL WHERE batch_id = ? AND status = 'sending'",
        )
        .bind(batch_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE batches SET status = 'released', finished_at = ? WHERE id = ?")
            .bind(clock::now())
            .bind(batch_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Writes the outcome of one batch to the batch and its recipients.
    async fn record(&self, batch_id: i64, outcome: &Result<Submitted, ProviderError>) -> Result<(), CampaignError> {
        let now = clock::now();
        let mut tx = self.db.begin().await?;
        match outcome {
            Ok(s) => {
                sqlx::query("UPDATE batches SET status = 'accepted', endpoint = ?, msg_id = ?, code = '0', finished_at = ? WHERE id = ?")
                    .bind(&s.endpoint)
                    .bind(&s.msg_id)
                    .bind(now)
                    .bind(batch_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "UPDATE recipients SET status = 'submitted', msg_id = ?, code = '0', reason = NULL, submitted_at = ?, \
                     attempts = attempts + 1 WHERE batch_id = ? AND status = 'sending'",
                )
                .bind(&s.msg_id)
                .bind(now)
                .bind(batch_id)
                .execute(&mut *tx)
                .await?;
            }
            Err(e) => {
                let status = if e.outcome_unknown() { "unknown" } else { "rejected" };
                sqlx::query("UPDATE batches SET status = ?, code = ?, reason = ?, finished_at = ? WHERE id = ?")
                    .bind(status)
                    .bind(&e.code)
                    .bind(&e.explanation)
                    .bind(now)
                    .bind(batch_id)
                    .execute(&mut *tx)
                    .await?;
                self.record_failure(&mut tx, batch_id, e).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn record_failure(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        batch_id: i64,
        e: &ProviderError,
    ) -> Result<(), CampaignError> {
        let reason = format!("[{}] {}", e.code, e.explanation);
        let (sql, next_at) = if e.outcome_unknown() {
            ("UPDATE recipients SET status = 'unknown', code = ?, reason = ?, attempts = attempts + 1 WHERE batch_id = ? AND status = 'sending'", None)
        } else {
            match e.class {
                // The vendor refused the request as a whole: nothing was accepted, so retry.
                ErrorClass::Retryable => (
                    "UPDATE recipients SET status = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE 'queued' END, \
                     code = ?, reason = ?, attempts = attempts + 1, next_at = ? WHERE batch_id = ? AND status = 'sending'",
                    Some(clock::now() + self.backoff_secs(tx, batch_id).await?),
                ),
                // Back in the queue untouched; the campaign pauses until an operator fixes it.
                ErrorClass::Configuration => {
                    ("UPDATE recipients SET status = 'queued', code = ?, reason = ? WHERE batch_id = ? AND status = 'sending'", None)
                }
                ErrorClass::Permanent => (
                    "UPDATE recipients SET status = 'failed', code = ?, reason = ?, attempts = attempts + 1 WHERE batch_id = ? AND status = 'sending'",
                    None,
                ),
            }
        };
        let mut q = sqlx::query(sql);
        if let Some(next_at) = next_at {
            q = q.bind(self.config.max_attempts as i64).bind(&e.code).bind(&reason).bind(next_at);
        } else {
            q = q.bind(&e.code).bind(&reason);
        }
        q.bind(batch_id).execute(&mut **tx).await?;
        Ok(())
    }

    /// `backoff_ms × 2^attempts`, with ±50 % jitter (derived from the batch id, so no shared
    /// RNG is needed), between 1 s and 5 min.
    async fn backoff_secs(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
        batch_id: i64,
    ) -> Result<i64, CampaignError> {
        let attempts: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(attempts), 0) FROM recipients WHERE batch_id = ?")
            .bind(batch_id)
            .fetch_one(&mut **tx)
            .await?;
        let base = self.config.backoff_ms.max(1) as f64 / 1000.0 * 2f64.powi(attempts.clamp(0, 16) as i32);
        let jitter = 0.5 + ((batch_id.wrapping_mul(2_654_435_761) & 0xFFFF) as f64 / 65_535.0);
        Ok((base * jitter).clamp(1.0, 300.0).ceil() as i64)
    }

    async fn pause_for(&self, c: &Campaign, e: &ProviderError) -> Result<(), CampaignError> {
        let reason = format!("已自动暂停：[{}] {}。处理后点击“继续”。", e.code, e.explanation);
        tracing::warn!(campaign = c.id, code = %e.code, "campaign paused by a configuration error");
        match super::pause(&self.db, c.id, Some(&reason)).await {
            Ok(_) | Err(CampaignError::Invalid(_)) => Ok(()),
            Err(other) => Err(other),
        }
    }

    /// Time until the earliest retry, or `None` when nothing is queued.
    async fn next_retry_in(&self, id: i64) -> Result<Option<Duration>, CampaignError> {
        let next: Option<i64> =
            sqlx::query_scalar("SELECT MIN(next_at) FROM recipients WHERE campaign_id = ? AND status = 'queued'")
                .bind(id)
                .fetch_one(&self.db)
                .await?;
        Ok(next.map(|t| Duration::from_secs((t - clock::now()).max(0) as u64)))
    }

    async fn finish_if_done(&self, id: i64) -> Result<(), CampaignError> {
        let left: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM recipients WHERE campaign_id = ? AND status IN ('queued', 'sending')",
        )
        .bind(id)
        .fetch_one(&self.db)
        .await?;
        if left == 0 {
            sqlx::query(
                "UPDATE campaigns SET status = 'completed', status_reason = NULL, finished_at = ?, updated_at = ? \
                 WHERE id = ? AND status = 'sending'",
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
    async fn throttle(&self, vendor: &'static str, n: usize) {
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
    }
}

fn uuid_part() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos:x}")
}
