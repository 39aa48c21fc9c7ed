//! The runner of one sending campaign: a pipeline that keeps up to `concurrency` requests in
//! flight. Each round records every answer that has arrived and claims as many due batches as
//! there are free slots, in one transaction; the claimed batches are sent by their own tasks,
//! which report back over a channel. The rate limit is waited for before claiming, claims are
//! committed before anything is sent, and the campaign status is re-read every 100 ms and after
//! every rate-limit wait, so a pause or cancel stops new requests at once.

use super::batches::{self, Claimed, Sent};
use super::dispatch::Dispatcher;
use super::gate::Gate;
use super::{get, Campaign, CampaignError, Status};
use crate::compliance::{self, MessageKind, Window};
use crate::health::retry_db;
use crate::provider::{Batch, ErrorClass, SmsProvider};
use crate::Db;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

const STATUS_EVERY: Duration = Duration::from_millis(100);

/// The service name runners report their health under.
pub const SERVICE: &str = "dispatcher";

async fn status_of(db: &Db, id: i64) -> Result<Option<Status>, CampaignError> {
    retry_db(db, SERVICE, || async {
        let s: Option<String> =
            sqlx::query_scalar("SELECT status FROM campaigns WHERE id = ?").bind(id).fetch_optional(db).await?;
        Ok(s.as_deref().and_then(Status::parse))
    })
    .await
}

/// The compliance rules one runner applies, re-read with the status.
struct Rules {
    /// The marketing window, `None` for notifications.
    window: Option<Window>,
    gate: Option<Gate>,
}

impl Rules {
    async fn read(db: &Db, c: &Campaign) -> Result<Self, CampaignError> {
        let policy = retry_db(db, SERVICE, || compliance::policy(db))
            .await
            .map_err(|e| CampaignError::Internal(e.to_string()))?;
        let window = (c.kind == MessageKind::Marketing).then(|| c.window.unwrap_or(policy.window));
        Ok(Self { window, gate: Gate::for_kind(policy, c.kind) })
    }

    /// When outside the window: when it opens and the reason shown meanwhile.
    fn closed(&self, now: i64) -> Option<(i64, String)> {
        let w = self.window.filter(|w| !w.contains(now))?;
        let at = w.next_open(now);
        Some((at, format!("营销短信只在 {} 发送（北京时间），将于 {} 自动继续", w.label(), crate::clock::display(at))))
    }
}

impl Dispatcher {
    pub(super) async fn run(self: &Arc<Self>, id: i64) -> Result<(), CampaignError> {
        let Some(c) = get(&self.db, id).await? else { return Ok(()) };
        if c.status != Status::Sending {
            return Ok(());
        }
        let provider = match self.providers.provider(&c).await {
            Ok(p) => p,
            Err(e) => return self.pause_for(id, &e).await,
        };
        let c = Arc::new(c);
        let (tx, mut rx) = mpsc::unbounded_channel::<(i64, Sent)>();
        let slots = self.config.concurrency.max(1);
        let size = super::max_batch(c.vendor, &c.content).max(1);
        let retry = (self.config.max_attempts, self.config.backoff_ms);
        let (mut inflight, mut done) = (0usize, Vec::new());
        let mut checked: Option<(std::time::Instant, bool)> = None;
        let mut rules = Rules::read(&self.db, &c).await?;
        loop {
            // The status (and the compliance policy) is re-read at most every 100 ms: a pause
            // or cancel stops new requests within that, without a read per request.
            let sending = match checked {
                Some((at, s)) if at.elapsed() < STATUS_EVERY => s,
                _ => {
                    let s = status_of(&self.db, id).await? == Some(Status::Sending);
                    // Database faults are retried inside; anything else keeps the rules in force.
                    if let Ok(r) = Rules::read(&self.db, &c).await {
                        rules = r;
                    }
                    checked = Some((std::time::Instant::now(), s));
                    s
                }
            };
            let closed = rules.closed(crate::clock::now());
            if closed.is_some() && inflight == 0 && done.is_empty() {
                if let Some((resume_at, reason)) = closed {
                    retry_db(&self.db, SERVICE, || super::wait_for_window(&self.db, id, resume_at, &reason)).await?;
                    tracing::info!(campaign = id, resume_at, "campaign held outside its send window");
                }
                return Ok(());
            }
            let draining = self.draining();
            let mut want = if sending && closed.is_none() && !draining { slots - inflight } else { 0 };
            // The rate limit is taken *before* claiming, so a claimed request is sent at once
            // and a kill can only leave requests that were really in flight as unknown.
            if want > 0 && self.throttle(c.vendor.as_str(), want * size).await {
                checked = None;
                if status_of(&self.db, id).await? != Some(Status::Sending) {
                    want = 0;
                }
            }
            // Answers already received are never dropped: a database fault is retried until
            // they are recorded (the vendor has accepted those messages).
            let claimed = retry_db(&self.db, SERVICE, || async {
                let _turn = crate::db::write_turn().await;
                batches::settle_and_claim(&self.db, id, &done, want, retry, rules.gate.as_ref()).await
            })
            .await?;
            let stop = done.iter().find_map(|(_, s)| match s {
                Err(e) if e.class == ErrorClass::Configuration && !e.outcome_unknown() => Some(e),
                _ => None,
            });
            if let Some(e) = stop {
                retry_db(&self.db, SERVICE, || self.pause_for(id, e)).await?;
                checked = None;
            }
            done.clear();
            for b in claimed {
                inflight += 1;
                tokio::spawn(Self::send(provider.clone(), c.clone(), b, tx.clone()));
            }
            if inflight == 0 {
                if !sending || draining {
                    return Ok(());
                }
                match retry_db(&self.db, SERVICE, || batches::next_retry_in(&self.db, id)).await? {
                    Some(wait) => {
                        tokio::time::sleep(Duration::from_secs(wait as u64).min(Duration::from_millis(500))).await;
                        continue;
                    }
                    None => return Ok(()),
                }
            }
            // Wait for one answer, then take every other that is ready.
            if let Some(first) = rx.recv().await {
                done.push(first);
            }
            while let Ok(more) = rx.try_recv() {
                done.push(more);
            }
            inflight -= done.len();
        }
    }

    async fn send(
        provider: Arc<dyn SmsProvider>,
        c: Arc<Campaign>,
        b: Claimed,
        tx: mpsc::UnboundedSender<(i64, Sent)>,
    ) {
        let batch = Batch {
            signature: c.signature.clone(),
            content: c.content.clone(),
            messages: b.messages,
            uid: Some(b.uid),
        };
        let answer = provider.submit(&batch).await;
        let _ = tx.send((b.id, answer));
    }
}
