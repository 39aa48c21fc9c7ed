//! Per-phone frequency caps on marketing messages, across all campaigns and vendors. A message
//! counts when its request is claimed for sending: the claim transaction reads the counts of
//! the claimed phones and increments those that pass, before anything is sent. The claim's
//! first statement is a write, so it holds SQLite's write lock while it reads: two campaigns
//! claiming at once cannot both take a phone's last slot.

use super::window::cn_day;
use super::Policy;
use crate::Db;
use sqlx::{Row, Sqlite, Transaction};
use std::collections::HashMap;

/// (today, last 7 days including today) per phone.
pub type Counts = HashMap<u64, (u32, u32)>;

fn key(phone: &str) -> u64 {
    phone.parse().unwrap_or(0)
}

fn counts_query(day: i64, phones: &[&str]) -> sqlx::QueryBuilder<'static, Sqlite> {
    let mut q = sqlx::QueryBuilder::new("SELECT phone, SUM(CASE WHEN day = ");
    q.push_bind(day).push(" THEN n ELSE 0 END) AS today, SUM(n) AS week FROM send_counts WHERE day > ");
    q.push_bind(day - 7).push(" AND phone IN (");
    let mut list = q.separated(", ");
    for p in phones {
        list.push_bind(key(p) as i64);
    }
    q.push(") GROUP BY phone");
    q
}

fn read(rows: Vec<sqlx::sqlite::SqliteRow>, out: &mut Counts) -> Result<(), sqlx::Error> {
    for r in rows {
        let n = |c: &str| r.try_get::<i64, _>(c).map(|v| v.clamp(0, i64::from(u32::MAX)) as u32);
        out.insert(r.try_get::<i64, _>("phone")? as u64, (n("today")?, n("week")?));
    }
    Ok(())
}

/// Counts of `phones` on the Beijing day of `now` (planning, through the pool).
pub async fn counts(db: &Db, phones: &[&str], now: i64) -> Result<Counts, sqlx::Error> {
    let mut out = Counts::new();
    for chunk in phones.chunks(2_000) {
        read(counts_query(cn_day(now), chunk).build().fetch_all(db).await?, &mut out)?;
    }
    Ok(out)
}

/// Why a phone with these counts may not get one more marketing message, if it may not.
pub fn over(p: &Policy, (today, week): (u32, u32)) -> Option<String> {
    if p.daily_cap > 0 && today >= p.daily_cap {
        return Some(format!("该号码今天已收到 {today} 条营销短信，达到每日上限 {} 条，未发送", p.daily_cap));
    }
    if p.weekly_cap > 0 && week >= p.weekly_cap {
        return Some(format!("该号码近 7 天已收到 {week} 条营销短信，达到 7 日上限 {} 条，未发送", p.weekly_cap));
    }
    None
}

/// In the claim transaction: checks `phones` against the caps and counts those that pass.
/// Returns the capped phones with their reasons.
pub async fn take(
    tx: &mut Transaction<'_, Sqlite>,
    p: &Policy,
    phones: &[&str],
    now: i64,
) -> Result<HashMap<String, String>, sqlx::Error> {
    let day = cn_day(now);
    let mut counts = Counts::new();
    for chunk in phones.chunks(2_000) {
        read(counts_query(day, chunk).build().fetch_all(&mut **tx).await?, &mut counts)?;
    }
    let mut capped = HashMap::new();
    let mut pass = Vec::with_capacity(phones.len());
    for phone in phones {
        let c = counts.entry(key(phone)).or_default();
        match over(p, *c) {
            Some(reason) => {
                capped.insert((*phone).to_owned(), reason);
            }
            None => {
                // A phone twice in one claim (two campaigns' batches) counts twice.
                *c = (c.0 + 1, c.1 + 1);
                pass.push(key(phone));
            }
        }
    }
    let mut tally: HashMap<u64, i64> = HashMap::with_capacity(pass.len());
    for k in pass {
        *tally.entry(k).or_default() += 1;
    }
    let tally: Vec<(u64, i64)> = tally.into_iter().collect();
    for chunk in tally.chunks(1_000) {
        let mut q = sqlx::QueryBuilder::new("INSERT INTO send_counts (phone, day, n) ");
        q.push_values(chunk, |mut b, (k, n)| {
            b.push_bind(*k as i64).push_bind(day).push_bind(*n);
        });
        q.push(" ON CONFLICT (phone, day) DO UPDATE SET n = n + excluded.n");
        q.build().execute(&mut **tx).await?;
    }
    Ok(capped)
}

/// Forgets counts older than 8 days (they no longer affect any cap).
pub async fn prune(db: &Db, now: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM send_counts WHERE day < ?").bind(cn_day(now) - 8).execute(db).await?.rows_affected())
}
