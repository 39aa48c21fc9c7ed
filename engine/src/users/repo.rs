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

/// Upserts users by user id and returns their row ids in input order. A phone of `Some("")`
/// means "present but invalid" (cleared to NULL at the end); `None` leaves the phone as is.
pub async fn upsert_users(tx: &mut Transaction<'_, Sqlite>, rows: &[PendingUser]) -> Result<Vec<i64>, UsersError> {
    let now = clock::now();
    let mut by_id: HashMap<String, i64> = HashMap::with_capacity(rows.len());
    // 4 bound values per row: 5,000 rows stay under SQLite's 32,766 variables per statement.
    for part in rows.chunks(5_000) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO users (user_id, phone, created_at, updated_at) ");
        q.push_values(part, |mut b, (id, _, phone)| {
            b.push_bind(id.clone()).push_bind(phone.clone()).push_bind(now).push_bind(now);
        });
        q.push(
            " ON CONFLICT(user_id) DO UPDATE SET updated_at = excluded.updated_at, \
             phone = CASE WHEN excluded.phone IS NULL THEN users.phone ELSE excluded.phone END RETURNING id, user_id",
        );
        for r in q.build().fetch_all(&mut **tx).await? {
            by_id.insert(r.try_get("user_id")?, r.try_get("id")?);
        }
    }
    rows.iter()
        .map(|(id, _, _)| by_id.get(id).copied().ok_or_else(|| UsersError::Invalid(format!("用户 {id} 未写入"))))
        .collect()
}

pub async fn upsert_values(tx: &mut Transaction<'_, Sqlite>, values: &[(i64, i64, &Value)]) -> Result<(), UsersError> {
    for chunk in values.chunks(3000) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO user_values (attr_id, user_rowid, value) ");
        q.push_values(chunk, |mut b, (attr, user, v)| {
            b.push_bind(*attr).push_bind(*user);
            push_value(&mut b, v);
        });
        q.push(" ON CONFLICT(attr_id, user_rowid) DO UPDATE SET value = excluded.value");
        q.build().execute(&mut **tx).await?;
    }
    Ok(())
}

/// Binds a typed value in its storage form (booleans as 0/1, times as Unix seconds).
fn push_value(b: &mut sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, v: &Value) {
    match v {
        Value::Text(s) => b.push_bind(s.clone()),
        Value::Num(n) => b.push_bind(*n),
        Value::Bool(x) => b.push_bind(i64::from(*x)),
        Value::Time(t) => b.push_bind(*t),
    };
}

pub async fn refresh_phones(db: &Db, attribute: &str) -> Result<u64, UsersError> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE users SET phone = NULL").execute(&mut *tx).await?;
    let rows = sqlx::query(
        "SELECT v.user_rowid, CAST(v.value AS TEXT) AS v FROM user_values v JOIN attributes a ON a.id = v.attr_id WHERE a.name = ?",
    )
    .bind(attribute)
    .fetch_all(&mut *tx)
    .await?;
    let mut updated = 0;
    for chunk in rows.chunks(1000) {
        let pairs: Vec<(i64, String)> = chunk
            .iter()
            .filter_map(|r| {
                let raw: String = r.try_get("v").ok()?;
                Some((r.try_get("user_rowid").ok()?, crate::phone::normalize(&raw).ok()?))
            })
            .collect();
        for (id, phone) in &pairs {
            sqlx::query("UPDATE users SET phone = ? WHERE id = ?").bind(phone).bind(id).execute(&mut *tx).await?;
        }
        updated += pairs.len() as u64;
    }
    tx.commit().await?;
    Ok(updated)
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
        let users: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM user_values WHERE attr_id = ?").bind(id).fetch_one(db).await?;
        let raw = sqlx::query(
            "SELECT DISTINCT value FROM (SELECT value FROM user_values WHERE attr_id = ? LIMIT 200) LIMIT 5",
        )
        .bind(id)
        .fetch_all(db)
        .await?;
        let samples = raw.iter().filter_map(|r| decode(r, "value", ty)).map(|v| v.display()).collect();
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
    let mut q = QueryBuilder::<Sqlite>::new(
        "SELECT v.user_rowid, a.name, a.type, v.value FROM user_values v JOIN attributes a ON a.id = v.attr_id WHERE a.name IN (",
    );
    let mut sep = q.separated(", ");
    names.iter().for_each(|n| {
        sep.push_bind(n.clone());
    });
    q.push(") AND v.user_rowid IN (");
    let mut sep = q.separated(", ");
    rowids.iter().for_each(|id| {
        sep.push_bind(*id);
    });
    q.push(")");
    for r in q.build().fetch_all(db).await? {
        let ty = AttrType::parse(&r.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        if let Some(v) = decode(&r, "value", ty) {
            out.insert((r.try_get("user_rowid")?, r.try_get("name")?), v.display());
        }
    }
    Ok(out)
}

fn decode(r: &sqlx::sqlite::SqliteRow, col: &str, ty: AttrType) -> Option<Value> {
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
        sqlx::query("SELECT user_id, phone FROM users WHERE phone = ? OR user_id = ? LIMIT ?")
            .bind(phone)
            .bind(q)
            .bind(limit)
            .fetch_all(db)
            .await?
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
    let rows = sqlx::query(
        "SELECT a.name, a.type, v.value FROM attributes a JOIN user_values v ON v.attr_id = a.id AND v.user_rowid = ? ORDER BY a.name",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let mut attributes = Vec::with_capacity(rows.len());
    for r in &rows {
        let ty = AttrType::parse(&r.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        if let Some(v) = decode(r, "value", ty) {
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
