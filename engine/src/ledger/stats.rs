//! Campaign statistics: the funnel (目标 → 已提交 → 已送达 / 失败 / 等待), failures by reason,
//! deliveries over time and results by carrier. Computed from the request rows and the
//! reports matched to the campaign's msgIds, so a refresh never walks the recipients except
//! for the per-carrier target counts.

use super::status::{of_report, of_submit_failure, Category};
use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub targets: u64,
    pub submitted: u64,
    pub delivered: u64,
    pub failed: u64,
    /// Submitted, no report yet, within the receipt timeout.
    pub pending: u64,
    /// Submitted, no report after the timeout (超时未回执).
    pub timeout: u64,
    pub unknown: u64,
    pub in_progress: u64,
    pub cancelled: u64,
    /// (category label, reason, messages), largest first.
    pub failures: Vec<(String, String, u64)>,
    /// (bucket start, bucket seconds, delivered in it).
    pub over_time: Vec<(i64, i64, u64)>,
    /// (carrier, targets, delivered, failed).
    pub carriers: Vec<(String, u64, u64, u64)>,
}

/// 中国移动 / 中国联通 / 中国电信 / 中国广电 from the number's first three digits.
pub fn carrier(phone: &str) -> &'static str {
    let p: u32 = phone.get(..3).and_then(|p| p.parse().ok()).unwrap_or(0);
    match p {
        134..=139 | 147 | 148 | 150..=152 | 157..=159 | 165 | 172 | 178 | 182..=184 | 187 | 188 | 195 | 197 | 198 => {
            "中国移动"
        }
        130..=132 | 145 | 146 | 155 | 156 | 166 | 167 | 171 | 175 | 176 | 185 | 186 | 196 => "中国联通",
        133 | 149 | 153 | 173 | 174 | 177 | 180 | 181 | 189 | 190 | 191 | 193 | 199 => "中国电信",
        192 => "中国广电",
        _ => "其他/虚拟运营商",
    }
}

const REPORTS: &str = "FROM receipts rc JOIN batches b ON b.msg_id = rc.msg_id AND b.campaign_id = ? \
     WHERE rc.id = (SELECT id FROM receipts r2 WHERE r2.msg_id = rc.msg_id AND r2.phone = rc.phone ORDER BY r2.report_time DESC, r2.id DESC LIMIT 1)";

pub async fn campaign(db: &Db, id: i64, timeout_secs: i64) -> Result<Stats, super::LedgerError> {
    let mut s = Stats::default();
    let p = crate::campaigns::progress(db, id).await?;
    s.targets = p.total();
    s.submitted = p.submitted;
    s.unknown = p.unknown;
    s.in_progress = p.queued + p.sending;
    s.cancelled = p.cancelled;
    let mut reasons: BTreeMap<(Category, String), u64> = BTreeMap::new();
    let rows =
        sqlx::query(&format!("SELECT rc.status, MAX(rc.status_desc) AS d, COUNT(*) AS n {REPORTS} GROUP BY rc.status"))
            .bind(id)
            .fetch_all(db)
            .await?;
    let mut reported = 0;
    for r in rows {
        let n = r.try_get::<i64, _>("n")?.max(0) as u64;
        let (cat, text) = of_report(&r.try_get::<String, _>("status")?, &r.try_get::<String, _>("d")?);
        reported += n;
        if cat == Category::Delivered {
            s.delivered += n;
        } else {
            s.failed += n;
            *reasons.entry((cat, text)).or_default() += n;
        }
    }
    let refused = sqlx::query(
        "SELECT code, MAX(reason) AS reason, SUM(size) AS n FROM batches WHERE campaign_id = ? AND seq IS NOT NULL \
         AND status = 'failed' GROUP BY code",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    for r in refused {
        let n = r.try_get::<i64, _>("n")?.max(0) as u64;
        let code: Option<String> = r.try_get("code")?;
        let cat = of_submit_failure(code.as_deref().unwrap_or_default());
        s.failed += n;
        *reasons.entry((cat, r.try_get::<Option<String>, _>("reason")?.unwrap_or_default())).or_default() += n;
    }
    let waiting = s.submitted.saturating_sub(reported);
    let stale: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(size), 0) FROM batches WHERE campaign_id = ? AND seq IS NOT NULL AND status = 'submitted' \
         AND finished_at < ?",
    )
    .bind(id)
    .bind(clock::now() - timeout_secs)
    .fetch_one(db)
    .await?;
    s.timeout = if stale > 0 { waiting.min(stale.max(0) as u64) } else { 0 };
    s.pending = waiting - s.timeout;
    let mut failures: Vec<(String, String, u64)> =
        reasons.into_iter().map(|((c, text), n)| (c.label().to_owned(), text, n)).collect();
    failures.sort_by_key(|f| std::cmp::Reverse(f.2));
    s.failures = failures;
    s.over_time = over_time(db, id).await?;
    s.carriers = carriers(db, id).await?;
    Ok(s)
}

async fn over_time(db: &Db, id: i64) -> Result<Vec<(i64, i64, u64)>, super::LedgerError> {
    let span: (Option<i64>, Option<i64>) = sqlx::query_as(&format!(
        "SELECT MIN(rc.received_at), MAX(rc.received_at) {REPORTS} AND rc.status IN ('DELIVRD', 'DELIVERED')"
    ))
    .bind(id)
    .fetch_one(db)
    .await?;
    let (Some(first), Some(last)) = span else { return Ok(Vec::new()) };
    let bucket = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21_600, 86_400]
        .into_iter()
        .find(|b| (last - first) / b < 40)
        .unwrap_or(86_400);
    let rows = sqlx::query(&format!(
        "SELECT rc.received_at / ? AS k, COUNT(*) AS n {REPORTS} AND rc.status IN ('DELIVRD', 'DELIVERED') GROUP BY k ORDER BY k"
    ))
    .bind(bucket)
    .bind(id)
    .fetch_all(db)
    .await?;
    let counts: BTreeMap<i64, u64> = rows
        .iter()
        .map(|r| Ok((r.try_get::<i64, _>("k")?, r.try_get::<i64, _>("n")?.max(0) as u64)))
        .collect::<Result<_, sqlx::Error>>()?;
    let (lo, hi) = (first / bucket, last / bucket);
    Ok((lo..=hi).map(|k| (k * bucket, bucket, counts.get(&k).copied().unwrap_or(0))).collect())
}

async fn carriers(db: &Db, id: i64) -> Result<Vec<(String, u64, u64, u64)>, super::LedgerError> {
    let mut by: BTreeMap<&'static str, (u64, u64, u64)> = BTreeMap::new();
    let targets =
        sqlx::query("SELECT substr(phone, 1, 3) AS p, COUNT(*) AS n FROM recipients WHERE campaign_id = ? GROUP BY p")
            .bind(id)
            .fetch_all(db)
            .await?;
    for r in targets {
        by.entry(carrier(&r.try_get::<String, _>("p")?)).or_default().0 += r.try_get::<i64, _>("n")?.max(0) as u64;
    }
    let reports = sqlx::query(&format!(
        "SELECT substr(rc.phone, 1, 3) AS p, rc.status IN ('DELIVRD', 'DELIVERED') AS ok, COUNT(*) AS n {REPORTS} GROUP BY p, ok"
    ))
    .bind(id)
    .fetch_all(db)
    .await?;
    for r in reports {
        let e = by.entry(carrier(&r.try_get::<String, _>("p")?)).or_default();
        let n = r.try_get::<i64, _>("n")?.max(0) as u64;
        if r.try_get::<bool, _>("ok")? {
            e.1 += n;
        } else {
            e.2 += n;
        }
    }
    Ok(by.into_iter().map(|(c, (t, d, f))| (c.to_owned(), t, d, f)).collect())
}

#[cfg(test)]
mod tests {
    use super::carrier;

    #[test]
    fn carriers_by_prefix() {
        assert_eq!(carrier("13800138000"), "中国移动");
        assert_eq!(carrier("18600000000"), "中国联通");
        assert_eq!(carrier("18900000000"), "中国电信");
        assert_eq!(carrier("19200000000"), "中国广电");
        assert_eq!(carrier("17000000000"), "其他/虚拟运营商");
    }
}
