//! The suppression list (退订名单): phones that refused marketing, from replies (上行 R, T, TD,
//! N, 退订, 拒收, 退订…) or added by operators, imports and the API. A suppressed phone never
//! receives marketing from any campaign or vendor (checked at planning and again in the claim
//! transaction); notifications follow the policy. One row per phone; removal deletes it.

use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::{Row, Sqlite, SqliteConnection, Transaction};
use std::collections::HashMap;

/// Whether a reply's text is an opt-out: R, T, TD, N, 退订, 拒收 (trimmed, case-folded), or
/// anything starting with 退订.
pub fn is_opt_out(reply: &str) -> bool {
    let t: String =
        reply.trim().trim_matches(|c: char| c.is_ascii_punctuation() || "。！，".contains(c)).to_lowercase();
    matches!(t.as_str(), "r" | "t" | "td" | "n" | "退订" | "拒收") || t.starts_with("退订")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub phone: String,
    pub source: String,
    pub vendor: String,
    pub detail: String,
    pub created_by: String,
    pub created_at: i64,
}

impl Entry {
    /// The Chinese sentence the ledger and 未收到排查 show for a suppressed message.
    pub fn explain(&self) -> String {
        let when = clock::display(self.created_at);
        match self.source.as_str() {
            "reply" => format!("该号码已于 {when} 回复“{}”退订，营销短信不再发送", self.detail),
            "import" => format!("该号码已于 {when} 由导入加入退订名单，营销短信不再发送"),
            "api" => format!("该号码已于 {when} 经 API 加入退订名单，营销短信不再发送"),
            _ => format!("该号码已于 {when} 由 {} 加入退订名单（{}），营销短信不再发送", self.created_by, self.detail),
        }
    }
}

pub fn source_label(source: &str) -> &'static str {
    match source {
        "reply" => "回复退订",
        "import" => "导入",
        "api" => "API",
        _ => "手动添加",
    }
}

/// Adds `phone`; `false` when it was already on the list (the first entry is kept).
pub async fn add(
    db: &Db,
    phone: &str,
    source: &str,
    vendor: &str,
    detail: &str,
    by: &str,
) -> Result<bool, super::ComplianceError> {
    let r = sqlx::query(
        "INSERT INTO suppressions (phone, source, vendor, detail, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) \
         ON CONFLICT (phone) DO NOTHING",
    )
    .bind(phone)
    .bind(source)
    .bind(vendor)
    .bind(detail.chars().take(200).collect::<String>())
    .bind(by)
    .bind(clock::now())
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Adds many phones in one transaction; returns how many were new.
pub async fn add_many(
    db: &Db,
    phones: &[String],
    source: &str,
    detail: &str,
    by: &str,
) -> Result<u64, super::ComplianceError> {
    let mut tx = crate::db::begin_write(db).await?;
    let mut added = 0;
    let now = clock::now();
    for chunk in phones.chunks(500) {
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO suppressions (phone, source, vendor, detail, created_by, created_at) ",
        );
        q.push_values(chunk, |mut b, p| {
            b.push_bind(p).push_bind(source).push_bind("").push_bind(detail).push_bind(by).push_bind(now);
        });
        q.push(" ON CONFLICT (phone) DO NOTHING");
        added += q.build().execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(added)
}

/// Removes `phone`; returns the removed entry.
pub async fn remove(db: &Db, phone: &str) -> Result<Option<Entry>, super::ComplianceError> {
    let e = get(db, phone).await?;
    sqlx::query("DELETE FROM suppressions WHERE phone = ?").bind(phone).execute(db).await?;
    Ok(e)
}

const COLUMNS: &str = "SELECT phone, source, vendor, detail, created_by, created_at FROM suppressions";

fn decode(r: &sqlx::sqlite::SqliteRow) -> Result<Entry, sqlx::Error> {
    Ok(Entry {
        phone: r.try_get("phone")?,
        source: r.try_get("source")?,
        vendor: r.try_get("vendor")?,
        detail: r.try_get("detail")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn get(db: &Db, phone: &str) -> Result<Option<Entry>, super::ComplianceError> {
    let r = sqlx::query(&format!("{COLUMNS} WHERE phone = ?")).bind(phone).fetch_optional(db).await?;
    Ok(r.as_ref().map(decode).transpose()?)
}

/// A page of the list, newest first; `search` is a full phone or its last digits.
pub async fn list(
    db: &Db,
    search: Option<&str>,
    before: Option<(i64, String)>,
    limit: u32,
) -> Result<Vec<Entry>, super::ComplianceError> {
    let mut q = sqlx::QueryBuilder::new(format!("{COLUMNS} WHERE 1 = 1"));
    if let Some(s) = search.map(str::trim).filter(|s| !s.is_empty()) {
        q.push(" AND phone LIKE ").push_bind(format!("%{}", s.replace(['%', '_'], "")));
    }
    if let Some((at, phone)) = before {
        q.push(" AND (created_at < ").push_bind(at).push(" OR (created_at = ").push_bind(at);
        q.push(" AND phone < ").push_bind(phone).push("))");
    }
    q.push(" ORDER BY created_at DESC, phone DESC LIMIT ").push_bind(i64::from(limit.clamp(1, 10_000)));
    Ok(q.build().fetch_all(db).await?.iter().map(decode).collect::<Result<_, _>>()?)
}

pub async fn count(db: &Db) -> Result<u64, super::ComplianceError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM suppressions").fetch_one(db).await?;
    Ok(n.max(0) as u64)
}

/// The entries among `phones` (planning reads them through the pool).
pub async fn among(db: &Db, phones: &[&str]) -> Result<HashMap<String, Entry>, sqlx::Error> {
    among_on(&mut *db.acquire().await?, phones).await
}

/// The same inside the claim transaction (so a reply committed before the claim is seen).
pub async fn among_tx(
    tx: &mut Transaction<'_, Sqlite>,
    phones: &[&str],
) -> Result<HashMap<String, Entry>, sqlx::Error> {
    among_on(tx, phones).await
}

async fn among_on(conn: &mut SqliteConnection, phones: &[&str]) -> Result<HashMap<String, Entry>, sqlx::Error> {
    let mut out = HashMap::new();
    for chunk in phones.chunks(2_000) {
        let mut q = sqlx::QueryBuilder::new(format!("{COLUMNS} WHERE phone IN ("));
        let mut list = q.separated(", ");
        for p in chunk {
            list.push_bind(*p);
        }
        q.push(")");
        for r in q.build().fetch_all(&mut *conn).await? {
            let e = decode(&r)?;
            out.insert(e.phone.clone(), e);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::is_opt_out;

    #[test]
    fn replies_that_opt_out() {
        for r in ["R", "r", " T ", "td", "TD", "N", "退订", "拒收", "退订谢谢", "退订。", "R!"] {
            assert!(is_opt_out(r), "{r}");
        }
        for r in ["好的", "Ready", "收到", "不要退订我", "1", ""] {
            assert!(!is_opt_out(r), "{r}");
        }
    }
}
