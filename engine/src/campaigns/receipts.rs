//! Delivery reports for campaign messages: stored once each (duplicates change nothing), and
//! used to settle recipients whose submit outcome was `unknown` — a report carrying the batch
//! `uid` proves the vendor accepted that phone, so it becomes `submitted` without a resend.

use super::CampaignError;
use crate::provider::Report;
use crate::{clock, Db};

/// Stores `reports`; returns (newly stored, unknown recipients settled).
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
        settled += sqlx::query(
            "UPDATE recipients SET status = 'submitted', msg_id = ?, code = '0', \
             reason = '提交结果曾未知，回执确认创蓝已接收', submitted_at = COALESCE(submitted_at, ?) \
             WHERE status = 'unknown' AND phone = ? AND batch_id = (SELECT id FROM batches WHERE uid = ?)",
        )
        .bind(&r.msg_id)
        .bind(now)
        .bind(&r.phone)
        .bind(uid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    }
    tx.commit().await?;
    Ok((stored, settled))
}
