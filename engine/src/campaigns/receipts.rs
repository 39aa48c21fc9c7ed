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
    let mut tx = db.begin().await?;
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
