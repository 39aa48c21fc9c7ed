//! Ledger rows: every message with its campaign, user, dispatch state and latest delivery
//! report, filtered and paged newest first (keyset on the message id). Reports are matched by
//! (msgId, phone) when read, so a report that arrived before its submit answer was recorded
//! (or for a msgId not known yet) is kept and shows up as soon as the msgId is known.

use super::status::{categorize, of_report, Category};
use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};

/// Coarse status filter of the ledger page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    Delivered,
    Failed,
    Pending,
    Timeout,
    Unknown,
    InProgress,
    Cancelled,
    /// 合规拦截: suppressed, capped or without consent.
    Blocked,
}

impl StatusFilter {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "delivered" => Self::Delivered,
            "failed" => Self::Failed,
            "pending" => Self::Pending,
            "timeout" => Self::Timeout,
            "unknown" => Self::Unknown,
            "in_progress" => Self::InProgress,
            "cancelled" => Self::Cancelled,
            "blocked" => Self::Blocked,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub campaign: Option<i64>,
    pub status: Option<StatusFilter>,
    pub vendor: Option<String>,
    /// Unix seconds, inclusive bounds on the submit (or send) time.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub phone: Option<String>,
    /// Only messages with a smaller id (the previous page's last id).
    pub before: Option<i64>,
    pub limit: u32,
}

/// One message as the ledger shows it. `phone` is the full number: callers mask it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub campaign_id: i64,
    pub campaign_name: String,
    pub vendor: String,
    pub sandbox: bool,
    pub user_id: Option<String>,
    pub phone: String,
    pub units: u32,
    pub state: String,
    pub msg_id: Option<String>,
    pub code: Option<String>,
    pub reason: Option<String>,
    pub sent_at: Option<i64>,
    pub submitted_at: Option<i64>,
    pub report_status: Option<String>,
    pub report_desc: Option<String>,
    pub report_time: Option<String>,
    pub report_received_at: Option<i64>,
    pub category: Category,
    /// The explanation of the report or of the submit failure, in Chinese.
    pub explanation: String,
    pub batch_id: Option<i64>,
}

const SELECT: &str = "SELECT m.id, m.campaign_id, c.name AS campaign_name, c.vendor, c.sandbox, u.user_id, m.phone, \
     m.units, m.status, m.msg_id, m.code, m.reason, m.sent_at, m.submitted_at, m.batch_id, \
     rc.status AS r_status, rc.status_desc AS r_desc, rc.report_time AS r_time, rc.received_at AS r_at \
     FROM messages m JOIN campaigns c ON c.id = m.campaign_id LEFT JOIN users u ON u.id = m.user_rowid \
     LEFT JOIN receipts rc ON rc.id = (SELECT id FROM receipts WHERE msg_id = m.msg_id AND phone = m.phone ORDER BY report_time DESC, id DESC LIMIT 1) \
     WHERE 1 = 1";

const DELIVERED: &str = "('DELIVRD', 'DELIVERED')";

fn push_status(q: &mut QueryBuilder<'_, Sqlite>, s: StatusFilter, stale_before: i64) {
    match s {
        StatusFilter::Delivered => {
            q.push(format!(" AND rc.status IN {DELIVERED}"));
        }
        StatusFilter::Failed => {
            q.push(format!(
                " AND ((rc.id IS NOT NULL AND rc.status NOT IN {DELIVERED}) OR (rc.id IS NULL AND m.status = 'failed'))"
            ));
        }
        StatusFilter::Pending => {
            q.push(" AND rc.id IS NULL AND m.status = 'submitted' AND m.submitted_at >= ").push_bind(stale_before);
        }
        StatusFilter::Timeout => {
            q.push(" AND rc.id IS NULL AND m.status = 'submitted' AND m.submitted_at < ").push_bind(stale_before);
        }
        StatusFilter::Unknown => {
            q.push(" AND rc.id IS NULL AND m.status = 'unknown'");
        }
        StatusFilter::InProgress => {
            q.push(" AND m.status IN ('queued', 'sending')");
        }
        StatusFilter::Cancelled => {
            q.push(" AND m.status = 'cancelled'");
        }
        StatusFilter::Blocked => {
            q.push(" AND m.status IN ('suppressed', 'capped', 'no_consent')");
        }
    }
}

/// One page of the ledger. `timeout_secs`: a submitted message without a report for this long
/// is 超时未回执.
pub async fn page(db: &Db, f: &Filter, timeout_secs: i64) -> Result<Vec<Entry>, super::LedgerError> {
    let stale_before = clock::now() - timeout_secs;
    let mut q = QueryBuilder::new(SELECT);
    if let Some(c) = f.campaign {
        q.push(" AND m.campaign_id = ").push_bind(c);
    }
    if let Some(v) = &f.vendor {
        q.push(" AND c.vendor = ").push_bind(v.clone());
    }
    if let Some(p) = &f.phone {
        q.push(" AND m.phone = ").push_bind(p.clone());
    }
    if let Some(from) = f.from {
        q.push(" AND COALESCE(m.submitted_at, m.sent_at) >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        q.push(" AND COALESCE(m.submitted_at, m.sent_at) <= ").push_bind(to);
    }
    if let Some(s) = f.status {
        push_status(&mut q, s, stale_before);
    }
    if let Some(before) = f.before {
        q.push(" AND m.id < ").push_bind(before);
    }
    q.push(" ORDER BY m.id DESC LIMIT ").push_bind(i64::from(f.limit.clamp(1, 10_000)));
    let rows = q.build().fetch_all(db).await?;
    rows.iter().map(|r| decode(r, stale_before)).collect()
}

fn decode(r: &sqlx::sqlite::SqliteRow, stale_before: i64) -> Result<Entry, super::LedgerError> {
    let state: String = r.try_get("status")?;
    let code: Option<String> = r.try_get("code")?;
    let reason: Option<String> = r.try_get("reason")?;
    let report_status: Option<String> = r.try_get("r_status")?;
    let report_desc: Option<String> = r.try_get("r_desc")?;
    let submitted_at: Option<i64> = r.try_get("submitted_at")?;
    let stale = submitted_at.is_some_and(|t| t < stale_before);
    let category = categorize(&state, code.as_deref(), report_status.as_deref(), stale);
    let explanation = match &report_status {
        Some(s) => of_report(s, report_desc.as_deref().unwrap_or_default()).1,
        None if category.is_failure() || category.is_blocked() || category == Category::Unknown => {
            reason.clone().unwrap_or_default()
        }
        None => category.label().to_owned(),
    };
    Ok(Entry {
        id: r.try_get("id")?,
        campaign_id: r.try_get("campaign_id")?,
        campaign_name: r.try_get("campaign_name")?,
        vendor: r.try_get("vendor")?,
        sandbox: r.try_get("sandbox")?,
        user_id: r.try_get("user_id")?,
        phone: r.try_get("phone")?,
        units: r.try_get::<i64, _>("units")?.clamp(0, i64::from(u32::MAX)) as u32,
        state,
        msg_id: r.try_get("msg_id")?,
        code,
        reason,
        sent_at: r.try_get("sent_at")?,
        submitted_at,
        report_status,
        report_desc,
        report_time: r.try_get("r_time")?,
        report_received_at: r.try_get("r_at")?,
        category,
        explanation,
        batch_id: r.try_get("batch_id")?,
    })
}

/// One step of a message's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub at: Option<i64>,
    /// 入队 / 提交 / 回执 …
    pub what: String,
    pub detail: String,
}

/// The timeline of one message: queued at the campaign start, every vendor call of its
/// request, then every report for its msgId and phone.
pub async fn timeline(db: &Db, e: &Entry) -> Result<Vec<Step>, super::LedgerError> {
    let started: Option<i64> =
        sqlx::query_scalar("SELECT started_at FROM campaigns WHERE id = ?").bind(e.campaign_id).fetch_one(db).await?;
    let mut steps =
        vec![Step { at: started, what: "入队".into(), detail: "活动开始时进入发送队列".into() }];
    let attempts = sqlx::query(
        "SELECT n, status, code, reason, msg_id, endpoint, started_at, finished_at FROM attempts WHERE batch_id = ? ORDER BY id",
    )
    .bind(e.batch_id)
    .fetch_all(db)
    .await?;
    for a in &attempts {
        let status: String = a.try_get("status")?;
        let n: i64 = a.try_get("n")?;
        let detail = match status.as_str() {
            "submitted" => format!(
                "供应商已接收（{}），msgId {}",
                a.try_get::<Option<String>, _>("endpoint")?.unwrap_or_default(),
                a.try_get::<Option<String>, _>("msg_id")?.unwrap_or_default()
            ),
            _ => a.try_get::<Option<String>, _>("reason")?.unwrap_or_default(),
        };
        steps.push(Step { at: a.try_get("finished_at")?, what: format!("第 {n} 次提交"), detail });
    }
    if attempts.is_empty() && e.submitted_at.is_some() {
        let detail = format!("供应商已接收，msgId {}", e.msg_id.clone().unwrap_or_default());
        steps.push(Step { at: e.submitted_at, what: "提交".into(), detail });
    }
    let reports = sqlx::query(
        "SELECT status, status_desc, report_time, received_at FROM receipts WHERE msg_id = ? AND phone = ? ORDER BY id",
    )
    .bind(e.msg_id.clone().unwrap_or_default())
    .bind(&e.phone)
    .fetch_all(db)
    .await?;
    for r in &reports {
        let status: String = r.try_get("status")?;
        let (cat, text) = of_report(&status, &r.try_get::<String, _>("status_desc")?);
        let when = r.try_get::<String, _>("report_time")?;
        let detail = if when.is_empty() { text } else { format!("{text}（运营商时间 {when}）") };
        steps.push(Step { at: r.try_get("received_at")?, what: format!("回执：{}", cat.label()), detail });
    }
    if reports.is_empty() && matches!(e.category, Category::Pending | Category::Timeout) {
        steps.push(Step { at: None, what: e.category.label().into(), detail: e.category.advice().into() });
    }
    Ok(steps)
}

/// Whether an operator resend can help a message in `category` with report `status`: account,
/// content and platform problems once fixed, no report in time, a handset off too long
/// (`EXPIRED`). Never blacklists, invalid numbers, deliveries or unknown outcomes (those may
/// have arrived).
pub fn resendable(category: Category, report: Option<&str>) -> bool {
    matches!(category, Category::FailedAccount | Category::FailedContent | Category::FailedOther | Category::Timeout)
        || report == Some("EXPIRED")
}

/// The phones of `campaign` whose messages a resend can help (see `resendable`).
pub async fn resendable_phones(db: &Db, campaign: i64, timeout_secs: i64) -> Result<Vec<String>, super::LedgerError> {
    let mut out = Vec::new();
    resendable_each(db, campaign, timeout_secs, |phone| out.push(phone)).await?;
    Ok(out)
}

/// How many phones of `campaign` a resend can help (streamed, nothing kept).
pub async fn resendable_count(db: &Db, campaign: i64, timeout_secs: i64) -> Result<u64, super::LedgerError> {
    let mut n = 0u64;
    resendable_each(db, campaign, timeout_secs, |_| n += 1).await?;
    Ok(n)
}

/// Calls `f` with each resendable phone, reading the campaign's messages as a stream so a
/// million-message campaign is never loaded at once.
async fn resendable_each(
    db: &Db,
    campaign: i64,
    timeout_secs: i64,
    mut f: impl FnMut(String),
) -> Result<(), super::LedgerError> {
    use futures::TryStreamExt;
    let stale_before = clock::now() - timeout_secs;
    let mut rows = sqlx::query(
        "SELECT m.phone, m.status, m.code, m.submitted_at, rc.status AS r_status FROM messages m \
         LEFT JOIN receipts rc ON rc.id = (SELECT id FROM receipts WHERE msg_id = m.msg_id AND phone = m.phone ORDER BY report_time DESC, id DESC LIMIT 1) \
         WHERE m.campaign_id = ? AND m.status IN ('submitted', 'failed')",
    )
    .bind(campaign)
    .fetch(db);
    while let Some(r) = rows.try_next().await? {
        let report: Option<String> = r.try_get("r_status")?;
        let stale = r.try_get::<Option<i64>, _>("submitted_at")?.is_some_and(|t| t < stale_before);
        let code: Option<String> = r.try_get("code")?;
        let category = categorize(&r.try_get::<String, _>("status")?, code.as_deref(), report.as_deref(), stale);
        if resendable(category, report.as_deref()) {
            f(r.try_get("phone")?);
        }
    }
    Ok(())
}

/// The phone and user id of one message (so links can name a message, not a phone).
pub async fn phone_of_message(db: &Db, id: i64) -> Result<Option<(String, Option<String>)>, super::LedgerError> {
    Ok(sqlx::query_as(
        "SELECT r.phone, u.user_id FROM recipients r LEFT JOIN users u ON u.id = r.user_rowid WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}
