//! Campaign rows, the start snapshot, state changes and progress counts.

use super::plan::{plan, Planned, Reconciliation};
use super::{batches, Binding, Campaign, CampaignError, CampaignInput, Status, Vendor};
use crate::health::IsDbError;
use crate::segments::Index;
use crate::validate::FieldError;
use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// Everything wrong with `input`, field by field (Chinese, shown beside the builder's fields;
/// the REST API returns the same list). The one place these rules live: the builder parses its
/// form into a [`CampaignInput`] and asks this.
pub fn field_errors(input: &CampaignInput) -> Vec<FieldError> {
    use crate::provider::Content;
    let mut errors = Vec::new();
    if input.name.trim().is_empty() {
        errors.push(FieldError::new("name", "请填写活动名称"));
    }
    if let Err(e) = crate::validate::signature("signature", &input.signature) {
        errors.push(e);
    }
    match &input.content {
        Content::Text(t) if t.trim().is_empty() => errors.push(FieldError::new("content", "请填写短信内容")),
        Content::Template { id, .. } if id.trim().is_empty() => {
            errors.push(FieldError::new("template_id", "请填写模板 ID"))
        }
        _ => {}
    }
    let slots = super::slots(&input.content);
    if input.bindings.len() != slots || input.bindings.iter().any(|b| b.attribute.trim().is_empty()) {
        errors.push(FieldError::new("bindings", format!("内容有 {slots} 个变量，请为每个变量选择属性")));
    }
    errors.extend(compliance_errors(input.kind, &input.content, input.window));
    errors
}

/// The content rules of the message type and the window (also re-checked at start, for
/// campaigns saved before they existed).
fn compliance_errors(
    kind: crate::compliance::MessageKind,
    content: &crate::provider::Content,
    window: Option<crate::compliance::Window>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let crate::provider::Content::Text(t) = content {
        errors.extend(
            crate::compliance::content_errors(kind, t.trim()).into_iter().map(|m| FieldError::new("content", m)),
        );
    }
    if let Some(Err(m)) = window.map(|w| w.check()) {
        errors.push(FieldError::new("window", m));
    }
    errors
}

fn refuse(errors: Vec<FieldError>) -> Result<(), CampaignError> {
    match errors.is_empty() {
        true => Ok(()),
        false => Err(CampaignError::Fields(errors)),
    }
}

fn json<T: Serialize>(v: &T) -> Result<String, CampaignError> {
    serde_json::to_string(v).map_err(|e| CampaignError::Internal(e.to_string()))
}

/// Saves a draft (or a scheduled campaign when `scheduled_at` is set).
pub async fn create(db: &Db, input: &CampaignInput, sandbox: bool, actor: &str) -> Result<Campaign, CampaignError> {
    create_once(db, input, sandbox, actor, None).await.map(|(c, _)| c)
}

/// Creates a campaign, or with `key` returns the one an earlier call with that key created
/// (`false`: nothing new). Two calls racing with one key make one campaign: the unique key
/// index refuses the second insert, which then returns the first's.
pub async fn create_once(
    db: &Db,
    input: &CampaignInput,
    sandbox: bool,
    actor: &str,
    key: Option<&str>,
) -> Result<(Campaign, bool), CampaignError> {
    if let Some(c) = by_create_key(db, key).await? {
        return Ok((c, false));
    }
    refuse(field_errors(input))?;
    let now = clock::now();
    let status = if input.scheduled_at.is_some() { Status::Scheduled } else { Status::Draft };
    let id: Result<i64, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO campaigns (name, segment_id, vendor, sandbox, signature, content, bindings, status, scheduled_at, \
         created_by, created_at, updated_at, kind, window_start, window_end, create_key) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(input.name.trim())
    .bind(input.segment_id)
    .bind(input.vendor.as_str())
    .bind(sandbox)
    .bind(input.signature.trim().trim_start_matches('【').trim_end_matches('】'))
    .bind(json(&input.content)?)
    .bind(json(&input.bindings)?)
    .bind(status.as_str())
    .bind(input.scheduled_at)
    .bind(actor)
    .bind(now)
    .bind(now)
    .bind(input.kind.as_str())
    .bind(input.window.map(|w| i64::from(w.start)))
    .bind(input.window.map(|w| i64::from(w.end)))
    .bind(key)
    .fetch_one(db)
    .await;
    let id = match id {
        Ok(id) => id,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() && key.is_some() => {
            return by_create_key(db, key).await?.map(|c| (c, false)).ok_or(CampaignError::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    Ok((get(db, id).await?.ok_or(CampaignError::NotFound)?, true))
}

/// The campaign created with idempotency `key`, if any.
pub async fn by_create_key(db: &Db, key: Option<&str>) -> Result<Option<Campaign>, CampaignError> {
    let Some(key) = key else { return Ok(None) };
    let row = sqlx::query(&format!("{COLUMNS} WHERE create_key = ?")).bind(key).fetch_optional(db).await?;
    row.as_ref().map(decode).transpose()
}

const COLUMNS: &str =
    "SELECT id, name, segment_id, vendor, sandbox, signature, content, bindings, status, status_reason, \
                       scheduled_at, planned, units, created_by, created_at, started_at, finished_at, kind, \
                       window_start, window_end, resume_at FROM campaigns";

fn decode(r: &sqlx::sqlite::SqliteRow) -> Result<Campaign, CampaignError> {
    let bad = |what: &str| CampaignError::Internal(format!("stored campaign has an unreadable {what}"));
    let content = serde_json::from_str(&r.try_get::<String, _>("content")?).map_err(|_| bad("content"))?;
    let bindings: Vec<Binding> =
        serde_json::from_str(&r.try_get::<String, _>("bindings")?).map_err(|_| bad("binding"))?;
    let n = |c: &str| r.try_get::<Option<i64>, _>(c).map(|v| v.map(|v| v.max(0) as u64));
    Ok(Campaign {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        segment_id: r.try_get("segment_id")?,
        vendor: Vendor::parse(&r.try_get::<String, _>("vendor")?).ok_or_else(|| bad("vendor"))?,
        sandbox: r.try_get("sandbox")?,
        signature: r.try_get("signature")?,
        content,
        bindings,
        kind: crate::compliance::MessageKind::parse(&r.try_get::<String, _>("kind")?).ok_or_else(|| bad("kind"))?,
        window: match (r.try_get::<Option<i64>, _>("window_start")?, r.try_get::<Option<i64>, _>("window_end")?) {
            (Some(start), Some(end)) => {
                Some(crate::compliance::Window { start: start.clamp(0, 1440) as u16, end: end.clamp(0, 1440) as u16 })
            }
            _ => None,
        },
        resume_at: r.try_get("resume_at")?,
        status: Status::parse(&r.try_get::<String, _>("status")?).ok_or_else(|| bad("status"))?,
        status_reason: r.try_get("status_reason")?,
        scheduled_at: r.try_get("scheduled_at")?,
        planned: n("planned")?,
        units: n("units")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Campaign>, CampaignError> {
    let row = sqlx::query(&format!("{COLUMNS} WHERE id = ?")).bind(id).fetch_optional(db).await?;
    row.as_ref().map(decode).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<Campaign>, CampaignError> {
    let rows = sqlx::query(&format!("{COLUMNS} ORDER BY id DESC")).fetch_all(db).await?;
    rows.iter().map(decode).collect()
}

/// Up to `limit` campaigns with an id below `before`, newest first (keyset paging in SQL).
pub async fn page(db: &Db, before: Option<i64>, limit: u32) -> Result<Vec<Campaign>, CampaignError> {
    let rows = sqlx::query(&format!("{COLUMNS} WHERE id < ? ORDER BY id DESC LIMIT ?"))
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(db)
        .await?;
    rows.iter().map(decode).collect()
}

/// Starts a draft or scheduled campaign once per `key`: claims it (a tiny transaction, so a
/// second tab or double click sees it taken), snapshots the recipients in short transactions, then
/// marks it planned. Returns the reconciliation, or `None` when this key already started it.
pub async fn start(index: &Index, db: &Db, id: i64, key: &str) -> Result<Option<Reconciliation>, CampaignError> {
    let claimed = sqlx::query(
        "UPDATE campaigns SET start_key = ?, status = 'sending', status_reason = '准备收件人', updated_at = ? \
         WHERE id = ? AND status IN ('draft', 'scheduled') AND planned IS NULL",
    )
    .bind(key)
    .bind(clock::now())
    .bind(id)
    .execute(db)
    .await;
    let claimed = match claimed {
        Ok(r) => r.rows_affected() == 1,
        Err(sqlx::Error::Database(d)) if d.is_unique_violation() => false,
        Err(e) => return Err(e.into()),
    };
    let c = get(db, id).await?.ok_or(CampaignError::NotFound)?;
    if claimed {
        if let Err(e) = refuse(compliance_errors(c.kind, &c.content, c.window)) {
            sqlx::query("UPDATE campaigns SET status = 'draft', start_key = NULL, status_reason = ? WHERE id = ?")
                .bind(format!("开始失败：{e}"))
                .bind(id)
                .execute(db)
                .await?;
            return Err(e);
        }
    }
    if !claimed {
        let same: Option<String> =
            sqlx::query_scalar("SELECT start_key FROM campaigns WHERE id = ?").bind(id).fetch_one(db).await?;
        return match same.as_deref() == Some(key) {
            true => Ok(None),
            false => Err(CampaignError::Invalid(format!("活动当前状态为“{}”，不能再次开始", c.status.label()))),
        };
    }
    match snapshot(index, db, &c).await {
        Ok(r) => Ok(Some(r)),
        // A passing database fault leaves a scheduled campaign scheduled: the scheduler
        // tries again instead of dropping it back to draft.
        Err(e) if e.is_db_error() && c.scheduled_at.is_some() => {
            tracing::warn!(campaign = id, error = %e, "scheduled start hit a database error; will retry");
            let reason = "开始时数据库暂时不可用，将自动重试";
            crate::health::retry_db(db, "scheduler", || discard_snapshot(db, id, reason, Status::Scheduled)).await?;
            Err(e)
        }
        Err(e) => {
            let reason = match &e {
                CampaignError::Internal(_) | CampaignError::Db(_) => {
                    tracing::error!(campaign = id, error = %e, "campaign start failed");
                    "开始失败：内部错误，详情见服务日志".to_owned()
                }
                _ => format!("开始失败：{e}"),
            };
            crate::health::retry_db(db, "scheduler", || discard_snapshot(db, id, &reason, Status::Draft)).await?;
            Err(e)
        }
    }
}

/// Recipients and planned requests being written: each chunk of requests is its own short
/// transaction (a 1M-recipient snapshot never holds the write lock for long). Until the final
/// statement sets `planned`, the dispatcher ignores the campaign; a failed or interrupted
/// snapshot is removed ([`discard_snapshot`]).
struct Snapshot {
    /// The installation id that prefixes request uids.
    install: String,
    pending: Vec<Planned>,
    held: Vec<Planned>,
    seq: i64,
    /// Requests per transaction, adapted to the lock time.
    per_tx: usize,
}

impl Snapshot {
    async fn flush(&mut self, db: &Db, campaign: i64, size: usize, all: bool) -> Result<(), CampaignError> {
        while self.pending.len() >= size * self.per_tx || (all && !(self.pending.is_empty() && self.held.is_empty())) {
            let take = (size * self.per_tx).min(self.pending.len());
            let part: Vec<Planned> = self.pending.drain(..take).collect();
            let held = std::mem::take(&mut self.held);
            let turn = crate::db::write_turn().await;
            let started = std::time::Instant::now();
            let mut tx = crate::db::begin_write(db).await?;
            batches::insert_excluded(&mut tx, campaign, &held).await?;
            for request in part.chunks(size) {
                batches::insert(&mut tx, (&self.install, campaign, self.seq), request).await?;
                self.seq += 1;
            }
            tx.commit().await?;
            let lock = started.elapsed();
            drop(turn);
            self.per_tx = crate::db::next_chunk(self.per_tx, lock, 1, 10_000usize.div_ceil(size).max(1) * 4);
            crate::db::yield_to_writers(lock).await;
        }
        Ok(())
    }
}

async fn snapshot(index: &Index, db: &Db, c: &Campaign) -> Result<Reconciliation, CampaignError> {
    let size = super::max_batch(c.vendor, &c.content).max(1);
    let install = crate::settings::install_id(db).await.map_err(|e| CampaignError::Internal(e.to_string()))?;
    let per_tx = 1_000usize.div_ceil(size);
    let state = Snapshot { install, pending: Vec::new(), held: Vec::new(), seq: 0, per_tx };
    let state = std::sync::Arc::new(tokio::sync::Mutex::new(state));
    let id = c.id;
    let r = plan(index, db, c, |chunk: Vec<Planned>| {
        let state = state.clone();
        async move {
            let mut s = state.lock().await;
            let (send, held): (Vec<Planned>, Vec<Planned>) = chunk.into_iter().partition(|p| p.exclusion.is_none());
            s.held.extend(held);
            s.pending.extend(send);
            s.flush(db, id, size, false).await
        }
    })
    .await?;
    let state =
        std::sync::Arc::try_unwrap(state).map_err(|_| CampaignError::Internal("snapshot still in use".into()))?;
    let mut state = state.into_inner();
    state.flush(db, id, size, true).await?;
    if r.messages == 0 {
        return Err(CampaignError::Invalid("没有可发送的号码：请检查分群、手机号属性和变量绑定".into()));
    }
    let now = clock::now();
    sqlx::query(
        "UPDATE campaigns SET planned = ?, units = ?, started_at = ?, status_reason = NULL, updated_at = ? WHERE id = ?",
    )
    .bind(r.messages as i64)
    .bind(r.units as i64)
    .bind(now)
    .bind(now)
    .bind(c.id)
    .execute(db)
    .await?;
    Ok(r)
}

/// Removes the recipients and requests of a snapshot that did not complete, in short
/// transactions, and puts the campaign back to `to` (draft or scheduled) with `reason`.
pub async fn discard_snapshot(db: &Db, id: i64, reason: &str, to: Status) -> Result<(), CampaignError> {
    for sql in [
        "DELETE FROM recipients WHERE rowid IN (SELECT rowid FROM recipients WHERE campaign_id = ? LIMIT 5000)",
        "DELETE FROM batch_payloads WHERE batch_id IN (SELECT b.id FROM batches b \
         JOIN batch_payloads p ON p.batch_id = b.id WHERE b.campaign_id = ? LIMIT 1000)",
        "DELETE FROM batches WHERE id IN (SELECT id FROM batches WHERE campaign_id = ? LIMIT 5000)",
    ] {
        loop {
            let turn = crate::db::write_turn().await;
            let started = std::time::Instant::now();
            let n = sqlx::query(sql).bind(id).execute(db).await?.rows_affected();
            let lock = started.elapsed();
            drop(turn);
            if n == 0 {
                break;
            }
            crate::db::yield_to_writers(lock).await;
        }
    }
    sqlx::query(
        "UPDATE campaigns SET status = ?, start_key = NULL, status_reason = ? WHERE id = ? AND planned IS NULL",
    )
    .bind(to.as_str())
    .bind(reason)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

async fn set_status(
    db: &Db,
    id: i64,
    to: Status,
    from: &[Status],
    reason: Option<&str>,
) -> Result<Campaign, CampaignError> {
    let c = get(db, id).await?.ok_or(CampaignError::NotFound)?;
    if !from.contains(&c.status) {
        return Err(CampaignError::Invalid(format!("活动当前状态为“{}”，不能{}", c.status.label(), to.label())));
    }
    let finished = matches!(to, Status::Cancelled | Status::Completed | Status::Failed).then(clock::now);
    sqlx::query("UPDATE campaigns SET status = ?, status_reason = ?, finished_at = COALESCE(?, finished_at), updated_at = ? WHERE id = ?")
        .bind(to.as_str())
        .bind(reason)
        .bind(finished)
        .bind(clock::now())
        .bind(id)
        .execute(db)
        .await?;
    get(db, id).await?.ok_or(CampaignError::NotFound)
}

pub async fn pause(db: &Db, id: i64, reason: Option<&str>) -> Result<Campaign, CampaignError> {
    set_status(db, id, Status::Paused, &[Status::Sending, Status::Waiting], reason).await
}

/// A scheduled campaign that cannot start goes back to draft with the reason shown.
pub async fn hold(db: &Db, id: i64, reason: &str) -> Result<Campaign, CampaignError> {
    set_status(db, id, Status::Draft, &[Status::Scheduled], Some(reason)).await
}

pub async fn resume(db: &Db, id: i64) -> Result<Campaign, CampaignError> {
    set_status(db, id, Status::Sending, &[Status::Paused], None).await
}

/// Cancels; recipients not yet submitted are marked `cancelled` (kept, never deleted).
pub async fn cancel(db: &Db, id: i64) -> Result<Campaign, CampaignError> {
    let c = set_status(
        db,
        id,
        Status::Cancelled,
        &[Status::Draft, Status::Scheduled, Status::Sending, Status::Paused, Status::Waiting],
        None,
    )
    .await?;
    batches::cancel_queued(db, id).await?;
    Ok(c)
}

/// Recipient counts by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub queued: u64,
    pub sending: u64,
    pub submitted: u64,
    pub failed: u64,
    pub unknown: u64,
    pub cancelled: u64,
    /// Not sent: on the suppression list, over a frequency cap, or without consent.
    pub suppressed: u64,
    pub capped: u64,
    pub no_consent: u64,
}

impl Progress {
    pub fn total(&self) -> u64 {
        self.queued + self.sending + self.submitted + self.failed + self.unknown + self.cancelled + self.blocked()
    }

    /// Messages compliance kept from going out.
    pub fn blocked(&self) -> u64 {
        self.suppressed + self.capped + self.no_consent
    }
}

pub async fn progress(db: &Db, id: i64) -> Result<Progress, CampaignError> {
    // Planned requests count by their size; rows from before batch planning by themselves.
    let rows = sqlx::query(
        "SELECT status, SUM(n) AS n FROM (SELECT status, size AS n FROM batches WHERE campaign_id = ? \
         AND seq IS NOT NULL UNION ALL SELECT status, 1 FROM recipients WHERE campaign_id = ? \
         AND status IN ('queued', 'sending', 'submitted', 'failed', 'unknown', 'cancelled', 'suppressed', 'capped', \
         'no_consent')) GROUP BY status",
    )
    .bind(id)
    .bind(id)
    .fetch_all(db)
    .await?;
    let mut p = Progress::default();
    for r in rows {
        let n = r.try_get::<i64, _>("n")?.max(0) as u64;
        match r.try_get::<String, _>("status")?.as_str() {
            "queued" => p.queued = n,
            "sending" => p.sending = n,
            "submitted" => p.submitted = n,
            "failed" => p.failed = n,
            "unknown" => p.unknown = n,
            "cancelled" => p.cancelled = n,
            "suppressed" => p.suppressed = n,
            "capped" => p.capped = n,
            "no_consent" => p.no_consent = n,
            _ => {}
        }
    }
    Ok(p)
}

/// One recipient as the ledger and 用户细查 show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecipientRow {
    pub campaign_id: i64,
    pub phone: String,
    pub status: String,
    pub attempts: u32,
    pub msg_id: Option<String>,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub submitted_at: Option<i64>,
}

/// Every recipient row of `phone` across campaigns, newest first.
pub async fn recipients_of(db: &Db, phone: &str) -> Result<Vec<RecipientRow>, CampaignError> {
    let rows = sqlx::query(
        "SELECT campaign_id, phone, status, attempts, msg_id, code, reason, submitted_at FROM messages \
         WHERE phone = ? ORDER BY id DESC LIMIT 200",
    )
    .bind(phone)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RecipientRow {
                campaign_id: r.try_get("campaign_id")?,
                phone: r.try_get("phone")?,
                status: r.try_get("status")?,
                attempts: r.try_get::<i64, _>("attempts")?.max(0) as u32,
                msg_id: r.try_get("msg_id")?,
                code: r.try_get("code")?,
                reason: r.try_get("reason")?,
                submitted_at: r.try_get("submitted_at")?,
            })
        })
        .collect()
}

/// Scheduled campaigns whose time has come.
pub async fn due(db: &Db, now: i64) -> Result<Vec<i64>, CampaignError> {
    Ok(sqlx::query_scalar("SELECT id FROM campaigns WHERE status = 'scheduled' AND scheduled_at <= ? ORDER BY id")
        .bind(now)
        .fetch_all(db)
        .await?)
}

/// Holds a sending campaign outside its window until `resume_at` (status 窗口外等待).
pub async fn wait_for_window(db: &Db, id: i64, resume_at: i64, reason: &str) -> Result<bool, CampaignError> {
    let r = sqlx::query(
        "UPDATE campaigns SET status = 'waiting', resume_at = ?, status_reason = ?, updated_at = ? \
         WHERE id = ? AND status = 'sending'",
    )
    .bind(resume_at)
    .bind(reason)
    .bind(clock::now())
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Waiting campaigns whose window has opened go back to sending; returns their ids.
pub async fn wake_due(db: &Db, now: i64) -> Result<Vec<i64>, CampaignError> {
    Ok(sqlx::query_scalar(
        "UPDATE campaigns SET status = 'sending', status_reason = NULL, resume_at = NULL, updated_at = ? \
         WHERE status = 'waiting' AND resume_at <= ? RETURNING id",
    )
    .bind(now)
    .bind(now)
    .fetch_all(db)
    .await?)
}
