//! SQL for users, attributes, values and import records.

use super::values::{AttrType, Value};
use super::UsersError;
use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, Transaction};
use std::collections::HashMap;

#[cfg(test)]
pub async fn count_users(db: &Db) -> Result<i64, UsersError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(db).await?)
}

pub async fn attributes_by_name(conn: &mut SqliteConnection) -> Result<HashMap<String, (i64, AttrType)>, UsersError> {
    let rows = sqlx::query("SELECT id, name, type FROM attributes").fetch_all(conn).await?;
    let mut out = HashMap::new();
    for r in rows {
        let ty: String = r.try_get("type")?;
        out.insert(r.try_get("name")?, (r.try_get("id")?, AttrType::parse(&ty).unwrap_or(AttrType::String)));
    }
    Ok(out)
}

/// Every attribute name with its type, by name.
pub async fn attribute_types(db: &Db) -> Result<Vec<(String, AttrType)>, UsersError> {
    let mut conn = db.acquire().await?;
    let mut all: Vec<(String, AttrType)> =
        attributes_by_name(&mut conn).await?.into_iter().map(|(n, (_, t))| (n, t)).collect();
    all.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

pub async fn insert_attribute(conn: &mut SqliteConnection, name: &str, ty: AttrType) -> Result<i64, UsersError> {
    let row = sqlx::query("INSERT INTO attributes (name, type, created_at) VALUES (?, ?, ?) RETURNING id")
        .bind(name)
        .bind(ty.as_str())
        .bind(clock::now())
        .fetch_one(conn)
        .await?;
    Ok(row.try_get("id")?)
}

/// One user row waiting to be written: user id, typed attribute values, phone.
pub type PendingUser = (String, Vec<(i64, Value)>, Option<String>);

/// Upserts users by user id and returns their row ids in input order (ids unique within
/// `rows`). A phone of `Some("")` means "present but invalid" (cleared to NULL at the end);
/// `None` leaves the phone as is.
pub async fn upsert_users(tx: &mut Transaction<'_, Sqlite>, rows: &[PendingUser]) -> Result<Vec<i64>, UsersError> {
    let now = clock::now();
    let mut out = Vec::with_capacity(rows.len());
    // 4 bound values per row: 5,000 rows stay under SQLite's 32,766 variables per statement.
    for part in rows.chunks(5_000) {
        let before = max_rowid(tx).await?;
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO users (user_id, phone, created_at, updated_at) ");
        q.push_values(part, |mut b, (id, _, phone)| {
            b.push_bind(id.as_str()).push_bind(phone.as_deref()).push_bind(now).push_bind(now);
        });
        q.push(
            " ON CONFLICT(user_id) DO UPDATE SET updated_at = excluded.updated_at, \
             phone = CASE WHEN excluded.phone IS NULL THEN users.phone ELSE excluded.phone END",
        );
        q.build().execute(&mut **tx).await?;
        // New rows get the largest row id + 1 in VALUES order and updates take none, so when
        // every row was new their ids are the next ones in order; otherwise they are looked up.
        if max_rowid(tx).await? - before == part.len() as i64 {
            out.extend(before + 1..=before + part.len() as i64);
        } else {
            out.extend(lookup_ids(tx, part).await?);
        }
    }
    Ok(out)
}

async fn max_rowid(tx: &mut Transaction<'_, Sqlite>) -> Result<i64, UsersError> {
    Ok(sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(&mut **tx).await?)
}

async fn lookup_ids(tx: &mut Transaction<'_, Sqlite>, part: &[PendingUser]) -> Result<Vec<i64>, UsersError> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT id, user_id FROM users WHERE user_id IN (");
    let mut sep = q.separated(", ");
    part.iter().for_each(|(id, _, _)| {
        sep.push_bind(id.as_str());
    });
    q.push(")");
    let mut by_id: HashMap<String, i64> = HashMap::with_capacity(part.len());
    for r in q.build().fetch_all(&mut **tx).await? {
        by_id.insert(r.try_get("user_id")?, r.try_get("id")?);
    }
    part.iter()
        .map(|(id, _, _)| by_id.get(id).copied().ok_or_else(|| UsersError::Invalid(format!("用户 {id} 未写入"))))
        .collect()
}

pub async fn upsert_values(tx: &mut Transaction<'_, Sqlite>, values: &[(i64, i64, &Value)]) -> Result<(), UsersError> {
    super::columns::write(tx, values).await
}

/// The id and type of an attribute by name.
async fn attribute(db: &Db, name: &str) -> Result<Option<(i64, AttrType)>, UsersError> {
    let row = sqlx::query("SELECT id, type FROM attributes WHERE name = ?").bind(name).fetch_optional(db).await?;
    row.map(|r| {
        let ty = AttrType::parse(&r.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        Ok((r.try_get("id")?, ty))
    })
    .transpose()
}

/// The text a phone is read from: numbers without a fraction print as digits.
fn phone_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        other => other.display(),
    }
}

pub async fn refresh_phones(db: &Db, attribute: &str) -> Result<u64, UsersError> {
    let mut pairs: Vec<(i64, String)> = Vec::new();
    if let Some((attr, _)) = self::attribute(db, attribute).await? {
        super::columns::scan(db, attr, |rowid, cell| {
            if let Ok(p) = crate::phone::normalize(&phone_text(&cell.to_value())) {
                pairs.push((rowid as i64, p));
            }
        })
        .await?;
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET phone = NULL").execute(&mut *tx).await?;
    for (id, phone) in &pairs {
        sqlx::query("UPDATE users SET phone = ? WHERE id = ?").bind(phone).bind(id).execute(&mut *tx).await?;
    }
    super::phones::rebuild(&mut tx, &pairs).await?;
    tx.commit().await?;
    Ok(pairs.len() as u64)
}

/// One attribute in the catalog with its coverage and a few sample values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeInfo {
    pub name: String,
    pub ty: AttrType,
    pub users: i64,
    pub samples: Vec<String>,
}

pub async fn attribute_catalog(db: &Db) -> Result<Vec<AttributeInfo>, UsersError> {
    let attrs = sqlx::query("SELECT id, name, type FROM attributes ORDER BY name").fetch_all(db).await?;
    let mut out = Vec::with_capacity(attrs.len());
    for a in attrs {
        let id: i64 = a.try_get("id")?;
        let ty = AttrType::parse(&a.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        let users: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(present), 0) FROM user_columns WHERE attr_id = ?")
            .bind(id)
            .fetch_one(db)
            .await?;
        let first: Option<Vec<u8>> =
            sqlx::query_scalar("SELECT data FROM user_columns WHERE attr_id = ? ORDER BY block LIMIT 1")
                .bind(id)
                .fetch_optional(db)
                .await?;
        let mut samples: Vec<String> = Vec::new();
        if let Some(data) = first {
            super::columns::visit(&data, |_, cell| {
                let shown = cell.to_value().display();
                if samples.len() < 5 && !samples.contains(&shown) {
                    samples.push(shown);
                }
            })?;
        }
        out.push(AttributeInfo { name: a.try_get("name")?, ty, users, samples });
    }
    Ok(out)
}

/// Display values of the named attributes for the given user row ids, keyed by (row id, name).
pub async fn values_for(
    db: &Db,
    rowids: &[i64],
    names: &[String],
) -> Result<HashMap<(i64, String), String>, UsersError> {
    let mut out = HashMap::new();
    if rowids.is_empty() || names.is_empty() {
        return Ok(out);
    }
    let mut blocks: Vec<i64> = rowids.iter().map(|r| super::columns::locate(*r).0).collect();
    blocks.sort_unstable();
    blocks.dedup();
    for name in names {
        let Some((attr, _)) = attribute(db, name).await? else { continue };
        let data = super::columns::blocks_of(db, attr, &blocks).await?;
        for rowid in rowids {
            let (block, slot) = super::columns::locate(*rowid);
            if let Some(v) = data.get(&block).map(|d| super::columns::value_at(d, slot)).transpose()?.flatten() {
                out.insert((*rowid, name.clone()), v.display());
            }
        }
    }
    Ok(out)
}

pub(super) fn decode(r: &sqlx::sqlite::SqliteRow, col: &str, ty: AttrType) -> Option<Value> {
    Some(match ty {
        AttrType::String => Value::Text(r.try_get(col).ok()?),
        AttrType::Number => Value::Num(r.try_get(col).ok()?),
        AttrType::Boolean => Value::Bool(r.try_get::<i64, _>(col).ok()? != 0),
        AttrType::Datetime => Value::Time(r.try_get(col).ok()?),
    })
}

/// A user as 用户细查 shows it. `phone` is the full number: callers mask it unless revealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user_id: String,
    pub phone: Option<String>,
    pub updated_at: i64,
    pub attributes: Vec<(String, AttrType, Value)>,
}

/// Finds users by exact user id, full phone, or the last digits of the phone (≥ 4).
pub async fn find_users(db: &Db, query: &str, limit: i64) -> Result<Vec<(String, Option<String>)>, UsersError> {
    let q = query.trim();
    let rows = if let Ok(phone) = crate::phone::normalize(q) {
        let sql = format!(
            "SELECT user_id, phone FROM users WHERE id IN ({}?)) OR user_id = ? LIMIT ?",
            super::phones::ROWIDS_WITH_PHONE_IN
        );
        sqlx::query(&sql).bind(phone).bind(q).bind(limit).fetch_all(db).await?
    } else if q.len() >= 4 && q.trim_start_matches('*').bytes().all(|b| b.is_ascii_digit()) {
        let suffix = format!("%{}", q.trim_start_matches('*'));
        sqlx::query("SELECT user_id, phone FROM users WHERE user_id = ? OR phone LIKE ? LIMIT ?")
            .bind(q)
            .bind(suffix)
            .bind(limit)
            .fetch_all(db)
            .await?
    } else {
        sqlx::query("SELECT user_id, phone FROM users WHERE user_id = ? LIMIT ?")
            .bind(q)
            .bind(limit)
            .fetch_all(db)
            .await?
    };
    rows.iter().map(|r| Ok((r.try_get("user_id")?, r.try_get("phone")?))).collect()
}

pub async fn user_detail(db: &Db, user_id: &str) -> Result<Option<UserDetail>, UsersError> {
    let Some(u) = sqlx::query("SELECT id, phone, updated_at FROM users WHERE user_id = ?")
        .bind(user_id)
        .fetch_optional(db)
        .await?
    else {
        return Ok(None);
    };
    let id: i64 = u.try_get("id")?;
    let (block, slot) = super::columns::locate(id);
    let rows = sqlx::query(
        "SELECT a.name, a.type, c.data FROM attributes a JOIN user_columns c ON c.attr_id = a.id AND c.block = ? ORDER BY a.name",
    )
    .bind(block)
    .fetch_all(db)
    .await?;
    let mut attributes = Vec::with_capacity(rows.len());
    for r in &rows {
        let ty = AttrType::parse(&r.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        if let Some(v) = super::columns::value_at(r.try_get("data")?, slot)? {
            attributes.push((r.try_get("name")?, ty, v));
        }
    }
    Ok(Some(UserDetail {
        user_id: user_id.to_owned(),
        phone: u.try_get("phone")?,
        updated_at: u.try_get("updated_at")?,
        attributes,
    }))
}
