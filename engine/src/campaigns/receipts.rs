//! Delivery reports for campaign messages: stored once each (duplicates change nothing), and
//! used to settle requests whose submit outcome was `unknown` — a report carrying the batch
//! `uid` proves the vendor accepted that request, so its phones become `submitted` without a
//! resend.

use super::CampaignError;
use crate::provider::Report;
use crate::{clock, Db};

/// Stores `reports`; returns (newly stored, messages of unknown requests settled).
pub async fn store(db: &Db, reports: &[Report]) -> Result<(u64, u64), CampaignError> {
    let now = clock::now();
    let _turn = crate::db::write_turn().await;
    let mut tx = crate::db::begin_write(db).await?;
    let (mut stored, mut settled) = (0, 0);
    for r in reports {
        stored += sqlx::query(
            "INSERT OR IGNORE INTO receipts (msg_id, phone, status, status_desc, report_time, notify_time, uid, length, \
             received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.msg_id)
        .bind(&r.phone)
        .bind(&r.status)
        .bind(&r.status_desc)
        .bind(&r.report_time)
        .bind(&r.notify_time)
        .bind(&r.uid)
        .bind(r.length.map(i64::from))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let Some(uid) = r.uid.as_deref() else { continue };
        // A report for a request whose answer never arrived proves the vendor accepted it:
        // the whole request becomes submitted, with the msgId from the report.
        let sizes: Vec<i64> = sqlx::query_scalar(
            "UPDATE batches SET status = 'submitted', msg_id = ?, code = '0', \
             reason = '提交结果曾未知，回执确认供应商已接收', finished_at = COALESCE(finished_at, ?) \
             WHERE uid = ? AND status = 'unknown' RETURNING size",
        )
        .bind(&r.msg_id)
        .bind(now)
        .bind(uid)
        .fetch_all(&mut *tx)
        .await?;
        settled += sizes.into_iter().map(|n| n.max(0) as u64).sum::<u64>();
    }
    tx.commit().await?;
    Ok((stored, settled))
}

type Waiter = tokio::sync::oneshot::Sender<Result<(), String>>;

/// Group commit for pushed reports: vendors push one report per HTTP call, and a transaction
/// per call would cap the rate at one commit each. Callers hand their reports to one writer
/// task, which stores everything waiting (up to `MAX_GROUP` reports) in one transaction and
/// then answers each caller — so a caller is answered only after its report is committed.
#[derive(Clone)]
pub struct Writer {
    queue: tokio::sync::mpsc::Sender<(Vec<Report>, Waiter)>,
}

const MAX_GROUP: usize = 5_000;

impl Writer {
    pub fn start(db: Db) -> Self {
        let (queue, mut rx) = tokio::sync::mpsc::channel::<(Vec<Report>, Waiter)>(10_000);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let (mut reports, mut waiters) = (first.0, vec![first.1]);
                while reports.len() < MAX_GROUP {
                    match rx.try_recv() {
                        Ok((r, w)) => {
                            reports.extend(r);
                            waiters.push(w);
                        }
                        Err(_) => break,
                    }
                }
                let outcome = store(&db, &reports).await.map(|_| ()).map_err(|e| e.to_string());
                if let Err(e) = &outcome {
                    tracing::error!(error = %e, reports = reports.len(), "storing delivery reports failed");
                }
                for w in waiters {
                    let _ = w.send(outcome.clone());
                }
            }
        });
        Self { queue }
    }

    /// Stores `reports` with whatever else is waiting; returns once they are committed.
    pub async fn submit(&self, reports: Vec<Report>) -> Result<(), CampaignError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let closed = || CampaignError::Internal("receipt writer stopped".into());
        self.queue.send((reports, tx)).await.map_err(|_| closed())?;
        rx.await.map_err(|_| closed())?.map_err(CampaignError::Invalid)
    }
}

/// Up to `limit` submitted messages of `campaign` that have no report yet, oldest first.
pub async fn waiting(db: &Db, campaign: i64, limit: i64) -> Result<Vec<crate::provider::Waiting>, CampaignError> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT m.msg_id, m.phone, m.submitted_at FROM messages m WHERE m.campaign_id = ? AND m.status = 'submitted' \
         AND m.msg_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM receipts r WHERE r.msg_id = m.msg_id AND r.phone = m.phone) \
         ORDER BY m.id LIMIT ?",
    )
    .bind(campaign)
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(msg_id, phone, submitted_at)| crate::provider::Waiting { msg_id, phone, submitted_at })
        .collect())
}
