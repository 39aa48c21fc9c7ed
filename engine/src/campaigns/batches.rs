//! The planned vendor requests of a campaign (`batches`): written by the snapshot with their
//! messages, then claimed, recorded, retried, released and recovered by the dispatcher — one
//! row per request. Recipient rows are never touched after the snapshot.

use super::plan::Planned;
use super::CampaignError;
use crate::provider::{ErrorClass, OutMessage, ProviderError, Submitted};
use crate::{clock, Db};
use sqlx::{Row, Sqlite, Transaction};

/// A claimed batch, ready to submit.
pub struct Claimed {
    pub id: i64,
    pub uid: String,
    pub messages: Vec<OutMessage>,
    /// Its phones were already counted against the caps (an earlier claim of this request).
    pub gated: bool,
}

/// Inserts one planned request and its recipients (inside the snapshot transaction).
pub async fn insert(
    tx: &mut Transaction<'_, Sqlite>,
    (install, campaign, seq): (&str, i64, i64),
    part: &[Planned],
) -> Result<(), CampaignError> {
    let rows: Vec<Vec<&str>> = part
        .iter()
        .map(|p| std::iter::once(p.phone.as_str()).chain(p.values.iter().map(String::as_str)).collect())
        .collect();
    let payload = serde_json::to_string(&rows).map_err(|e| CampaignError::Internal(e.to_string()))?;
    let batch: i64 = sqlx::query_scalar(
        "INSERT INTO batches (campaign_id, uid, size, status, started_at, seq) \
         VALUES (?, ?, ?, 'queued', ?, ?) RETURNING id",
    )
    .bind(campaign)
    .bind(format!("{install}c{campaign}s{seq}"))
    .bind(part.len() as i64)
    .bind(clock::now())
    .bind(seq)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO batch_payloads (batch_id, payload) VALUES (?, ?)")
        .bind(batch)
        .bind(payload)
        .execute(&mut **tx)
        .await?;
    for chunk in part.chunks(1_000) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO recipients (campaign_id, user_rowid, phone, status, batch_id, units) ",
        );
        q.push_values(chunk, |mut b, p| {
            b.push_bind(campaign)
                .push_bind(p.user_rowid)
                .push_bind(p.phone.clone())
                .push_bind("batch")
                .push_bind(batch)
                .push_bind(i64::from(p.units));
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Recipients that compliance kept from going out at planning time: recorded with their
/// status and reason, in no batch (inside the snapshot transaction).
pub async fn insert_excluded(
    tx: &mut Transaction<'_, Sqlite>,
    campaign: i64,
    held: &[Planned],
) -> Result<(), CampaignError> {
    for chunk in held.chunks(1_000) {
        let mut q =
            sqlx::QueryBuilder::new("INSERT INTO recipients (campaign_id, user_rowid, phone, status, reason, units) ");
        q.push_values(chunk, |mut b, p| {
            let e = p.exclusion.clone().unwrap_or(crate::compliance::Exclusion::NoConsent);
            b.push_bind(campaign)
                .push_bind(p.user_rowid)
                .push_bind(p.phone.clone())
                .push_bind(e.status())
                .push_bind(e.reason())
                .push_bind(i64::from(p.units));
        });
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// What became of a claimed batch: the vendor's answer (a request that never got one stays
/// `sending` and is settled by recovery).
pub type Sent = Result<Submitted, ProviderError>;

/// Records `done` outcomes and claims up to `want` due batches of `campaign`, in one
/// transaction (one commit per dispatcher round, however many requests it covers). Claims are
/// committed before any of them is sent. With a compliance `gate` (marketing), the claimed
/// phones are checked against the suppression list and the caps in the same transaction, and
/// those refused are taken out of their request. Returns the claimed requests.
pub async fn settle_and_claim(
    db: &Db,
    campaign: i64,
    done: &[(i64, Sent)],
    want: usize,
    retry: (u32, u64),
    gate: Option<&super::gate::Gate>,
) -> Result<Vec<Claimed>, CampaignError> {
    if done.is_empty() && want == 0 {
        return Ok(Vec::new());
    }
    let now = clock::now();
    let mut tx = crate::db::begin_write(db).await?;
    let accepted: Vec<(i64, &Submitted)> = done
        .iter()
        .filter_map(|(id, s)| match s {
            Ok(sub) => Some((*id, sub)),
            Err(_) => None,
        })
        .collect();
    record_accepted(&mut tx, &accepted, now).await?;
    for (id, sent) in done {
        if let Err(e) = sent {
            record_error(&mut tx, *id, e, retry, now).await?;
        }
    }
    let answered: Vec<i64> = done.iter().map(|(id, _)| *id).collect();
    log_attempts(&mut tx, &answered, now).await?;
    let claimed: Vec<(i64, String, bool)> = if want == 0 {
        Vec::new()
    } else {
        let rows = sqlx::query(
            "UPDATE batches SET status = 'sending', attempts = attempts + 1, started_at = ? WHERE id IN \
             (SELECT id FROM batches WHERE campaign_id = ? AND status = 'queued' AND next_at <= ? LIMIT ?) \
             RETURNING id, uid, gated",
        )
        .bind(now)
        .bind(campaign)
        .bind(now)
        .bind(want as i64)
        .fetch_all(&mut *tx)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("uid")?, r.try_get::<i64, _>("gated")? != 0)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
    };
    let mut loaded = load(&mut tx, &claimed).await?;
    if let Some(g) = gate {
        loaded = super::gate::apply(&mut tx, g, loaded, now).await?;
    }
    tx.commit().await?;
    Ok(loaded)
}

/// The messages of claimed batches, in one read inside the claim transaction.
async fn load(
    tx: &mut Transaction<'_, Sqlite>,
    claimed: &[(i64, String, bool)],
) -> Result<Vec<Claimed>, CampaignError> {
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sqlx::QueryBuilder::new("SELECT batch_id, payload FROM batch_payloads WHERE batch_id IN (");
    let mut ids = q.separated(", ");
    for (id, _, _) in claimed {
        ids.push_bind(*id);
    }
    q.push(")");
    let rows = q.build().fetch_all(&mut **tx).await?;
    let mut payloads = std::collections::HashMap::with_capacity(rows.len());
    for r in rows {
        payloads.insert(r.try_get::<i64, _>("batch_id")?, r.try_get::<String, _>("payload")?);
    }
    claimed
        .iter()
        .map(|(id, uid, gated)| {
            let rows: Vec<Vec<String>> = serde_json::from_str(payloads.get(id).map_or("[]", String::as_str))
                .map_err(|e| CampaignError::Internal(format!("stored batch is unreadable: {e}")))?;
            let messages = rows
                .into_iter()
                .filter(|r| !r.is_empty())
                .map(|mut r| {
                    let phone = r.remove(0);
                    OutMessage { phone, values: r }
                })
                .collect();
            Ok(Claimed { id: *id, uid: uid.clone(), messages, gated: *gated })
        })
        .collect()
}

/// Accepted requests, in one statement.
async fn record_accepted(
    tx: &mut Transaction<'_, Sqlite>,
    accepted: &[(i64, &Submitted)],
    now: i64,
) -> Result<(), CampaignError> {
    if accepted.is_empty() {
        return Ok(());
    }
    let mut q =
        sqlx::QueryBuilder::new("UPDATE batches SET status = 'submitted', code = '0', reason = NULL, finished_at = ");
    q.push_bind(now).push(", endpoint = CASE id");
    for (id, s) in accepted {
        q.push(" WHEN ").push_bind(*id).push(" THEN ").push_bind(s.endpoint.clone());
    }
    q.push(" END, msg_id = CASE id");
    for (id, s) in accepted {
        q.push(" WHEN ").push_bind(*id).push(" THEN ").push_bind(s.msg_id.clone());
    }
    q.push(" END WHERE status = 'sending' AND id IN (");
    let mut ids = q.separated(", ");
    for (id, _) in accepted {
        ids.push_bind(*id);
    }
    q.push(")");
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// The answered calls into the attempt history, copied from their batch rows.
async fn log_attempts(tx: &mut Transaction<'_, Sqlite>, ids: &[i64], now: i64) -> Result<(), CampaignError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::new(
        "INSERT INTO attempts (batch_id, n, status, code, reason, msg_id, endpoint, started_at, finished_at) \
         SELECT id, attempts, status, code, reason, msg_id, endpoint, started_at, ",
    );
    q.push_bind(now).push(" FROM batches WHERE id IN (");
    let mut list = q.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    q.push(")");
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// A refused or unanswered request (see the invariants in `campaigns`).
async fn record_error(
    tx: &mut Transaction<'_, Sqlite>,
    id: i64,
    e: &ProviderError,
    (max_attempts, backoff_ms): (u32, u64),
    now: i64,
) -> Result<(), CampaignError> {
    let reason = format!("[{}] {}", e.code, e.explanation);
    let sql = match (e.outcome_unknown(), e.class) {
        (true, _) => {
            "UPDATE batches SET status = 'unknown', code = ?, reason = ?, finished_at = ? WHERE id = ? AND status = 'sending'"
        }
        // The vendor refused the request as a whole: nothing was accepted, so retry.
        (false, ErrorClass::Retryable) => {
            "UPDATE batches SET status = CASE WHEN attempts >= ? THEN 'failed' ELSE 'queued' END, \
             next_at = ? + ?, code = ?, reason = ?, finished_at = ? WHERE id = ? AND status = 'sending'"
        }
        // Back in the queue untouched; the campaign pauses until an operator fixes it.
        (false, ErrorClass::Configuration) => {
            "UPDATE batches SET status = 'queued', attempts = attempts - 1, code = ?, reason = ?, finished_at = ? \
             WHERE id = ? AND status = 'sending'"
        }
        (false, ErrorClass::Permanent) => {
            "UPDATE batches SET status = 'failed', code = ?, reason = ?, finished_at = ? WHERE id = ? AND status = 'sending'"
        }
    };
    let mut q = sqlx::query(sql);
    if !e.outcome_unknown() && e.class == ErrorClass::Retryable {
        let attempts: i64 =
            sqlx::query_scalar("SELECT attempts FROM batches WHERE id = ?").bind(id).fetch_one(&mut **tx).await?;
        q = q.bind(i64::from(max_attempts)).bind(now).bind(backoff_secs(backoff_ms, attempts, id));
    }
    q.bind(e.code.clone()).bind(reason).bind(now).bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// `backoff_ms × 2^(attempts-1)`, with ±50 % jitter (derived from the batch id, so no shared
/// RNG is needed), between 1 s and 5 min.
pub fn backoff_secs(backoff_ms: u64, attempts: i64, id: i64) -> i64 {
    let base = backoff_ms.max(1) as f64 / 1000.0 * 2f64.powi((attempts - 1).clamp(0, 16) as i32);
    let jitter = 0.5 + ((id.wrapping_mul(2_654_435_761) & 0xFFFF) as f64 / 65_535.0);
    (base * jitter).clamp(1.0, 300.0).ceil() as i64
}

/// Time until the earliest retry of `campaign` in seconds, or `None` when nothing is queued.
pub async fn next_retry_in(db: &Db, campaign: i64) -> Result<Option<i64>, CampaignError> {
    let next: Option<i64> =
        sqlx::query_scalar("SELECT MIN(next_at) FROM batches WHERE campaign_id = ? AND status = 'queued'")
            .bind(campaign)
            .fetch_one(db)
            .await?;
    Ok(next.map(|t| (t - clock::now()).max(0)))
}

/// Whether `campaign` still has queued or in-flight requests.
pub async fn open(db: &Db, campaign: i64) -> Result<bool, CampaignError> {
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM batches WHERE campaign_id = ? AND status IN ('queued', 'sending') AND seq IS NOT NULL",
    )
    .bind(campaign)
    .fetch_one(db)
    .await?;
    Ok(left > 0)
}

/// Startup: requests left `sending` by a dead process become `unknown` (never resent). Returns
/// how many messages they carried.
pub async fn recover(db: &Db) -> Result<u64, CampaignError> {
    let sizes: Vec<i64> = sqlx::query_scalar(
        "UPDATE batches SET status = 'unknown', code = 'interrupted', \
         reason = '发送请求进行中时进程退出，结果未知；不会自动重发，待回执核对' WHERE status = 'sending' RETURNING size",
    )
    .fetch_all(db)
    .await?;
    Ok(sizes.into_iter().map(|n| n.max(0) as u64).sum())
}

/// Cancels the queued requests of `campaign` (kept, never deleted).
pub async fn cancel_queued(db: &Db, campaign: i64) -> Result<(), CampaignError> {
    sqlx::query(
        "UPDATE batches SET status = 'cancelled', reason = '活动已取消，未发送' WHERE campaign_id = ? AND status = 'queued'",
    )
    .bind(campaign)
    .execute(db)
    .await?;
    Ok(())
}
