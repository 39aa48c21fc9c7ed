//! Retention: send records are kept at least `Policy::retention_days` (≥ 180, the 2026 rules
//! ask for 6 months) after a campaign ends, then its ledger rows (recipients, requests, their
//! payloads and attempts, delivery reports) are deleted; the campaign row and the audit log
//! stay. Each table is cleared by its own statement, so no write holds the lock for the whole
//! purge, and an interrupted purge is finished by the next run. Also forgets cap counts that
//! no longer matter.

use crate::{clock, Db};

/// Purges up to `max` campaigns past retention; returns how many.
pub async fn purge(db: &Db, retention_days: u32, max: i64) -> Result<u64, sqlx::Error> {
    let days = retention_days.max(super::MIN_RETENTION_DAYS);
    let cutoff = clock::now() - i64::from(days) * 86_400;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM campaigns WHERE purged_at IS NULL AND finished_at IS NOT NULL AND finished_at < ? \
         AND status IN ('completed', 'cancelled', 'failed') ORDER BY id LIMIT ?",
    )
    .bind(cutoff)
    .bind(max)
    .fetch_all(db)
    .await?;
    for id in &ids {
        for sql in [
            "DELETE FROM receipts WHERE msg_id IN (SELECT msg_id FROM batches WHERE campaign_id = ? AND msg_id IS NOT NULL)",
            "DELETE FROM attempts WHERE batch_id IN (SELECT id FROM batches WHERE campaign_id = ?)",
            "DELETE FROM batch_payloads WHERE batch_id IN (SELECT id FROM batches WHERE campaign_id = ?)",
            "DELETE FROM recipients WHERE campaign_id = ?",
            "DELETE FROM batches WHERE campaign_id = ?",
        ] {
            sqlx::query(sql).bind(id).execute(db).await?;
        }
        sqlx::query("UPDATE campaigns SET purged_at = ?, status_reason = ? WHERE id = ?")
            .bind(clock::now())
            .bind(format!("发送记录已超过保留期（{days} 天）并已清理"))
            .bind(id)
            .execute(db)
            .await?;
        tracing::info!(campaign = id, days, "ledger rows purged after the retention period");
    }
    super::caps::prune(db, clock::now()).await?;
    Ok(ids.len() as u64)
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn only_campaigns_past_retention_lose_their_ledger() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
        let now = crate::clock::now();
        for (id, finished) in [(1, now - 200 * 86_400), (2, now - 10 * 86_400)] {
            sqlx::query(
                "INSERT INTO campaigns (id, name, segment_id, vendor, signature, content, status, created_by, \
                 created_at, updated_at, finished_at) VALUES (?, 'c', 1, 'chuanglan', 's', '\"x\"', 'completed', 't', 0, 0, ?)",
            )
            .bind(id)
            .bind(finished)
            .execute(&db)
            .await
            .expect("campaign");
            sqlx::query("INSERT INTO recipients (campaign_id, user_rowid, phone, status) VALUES (?, 1, '13800000001', 'cancelled')")
                .bind(id)
                .execute(&db)
                .await
                .expect("recipient");
        }
        assert_eq!(super::purge(&db, 30, 10).await.expect("purge"), 1, "30 days is raised to 180");
        let left: Vec<i64> =
            sqlx::query_scalar("SELECT campaign_id FROM recipients").fetch_all(&db).await.expect("left");
        assert_eq!(left, [2]);
        assert_eq!(super::purge(&db, 180, 10).await.expect("again"), 0, "purged once");
    }
}
