//! Attribute values stored by column: one `user_columns` row per (attribute, block of
//! [`BLOCK`] consecutive user row ids) holding that attribute's values for those users in one
//! compact blob. An import of a million users writes ~1,000 blobs per attribute instead of a
//! million rows, and the segment index loads a column by reading its blobs in order, so a
//! cold count over a million users reads a few megabytes instead of running a million-row
//! query per attribute.
//!
//! Blob format (little-endian): version byte `1`, type tag (0 text, 1 number, 2 boolean,
//! 3 datetime), a presence bitmap of `BLOCK` bits, then the present values in slot order:
//! text as u32 length + UTF-8 bytes, numbers as f64, booleans as one byte, datetimes as i64
//! Unix seconds. `present` counts the values, so coverage is a sum over blocks.

use super::values::Value;
use super::UsersError;
use crate::Db;
use futures::TryStreamExt;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use std::collections::BTreeMap;

/// User row ids per block.
pub const BLOCK: usize = 1024;
const BITMAP: usize = BLOCK / 8;
const HEADER: usize = 2 + BITMAP;

/// A value borrowed from a blob.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(&'a str),
    Num(f64),
    Bool(bool),
    Time(i64),
}

impl Cell<'_> {
    pub fn to_value(self) -> Value {
        match self {
            Cell::Text(s) => Value::Text(s.to_owned()),
            Cell::Num(n) => Value::Num(n),
            Cell::Bool(b) => Value::Bool(b),
            Cell::Time(t) => Value::Time(t),
        }
    }
}

fn corrupt(what: &str) -> UsersError {
    UsersError::Corrupt(what.to_owned())
}

/// The block and the slot within it of a user row id.
pub fn locate(rowid: i64) -> (i64, usize) {
    let r = rowid.max(0) as usize;
    ((r / BLOCK) as i64, r % BLOCK)
}

/// Encodes the slots of one block (`slots.len() <= BLOCK`); returns (values present, blob).
pub fn encode(slots: &[Option<Value>]) -> (i64, Vec<u8>) {
    let tag = slots.iter().flatten().next().map_or(0, tag_of);
    let mut out = vec![0u8; HEADER];
    out[0] = 1;
    out[1] = tag;
    let mut present = 0;
    for (slot, v) in slots.iter().enumerate().take(BLOCK) {
        let Some(v) = v else { continue };
        out[2 + slot / 8] |= 1 << (slot % 8);
        present += 1;
        match v {
            Value::Text(s) => {
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            Value::Num(n) => out.extend_from_slice(&n.to_le_bytes()),
            Value::Bool(b) => out.push(u8::from(*b)),
            Value::Time(t) => out.extend_from_slice(&t.to_le_bytes()),
        }
    }
    (present, out)
}

fn tag_of(v: &Value) -> u8 {
    match v {
        Value::Text(_) => 0,
        Value::Num(_) => 1,
        Value::Bool(_) => 2,
        Value::Time(_) => 3,
    }
}

/// Calls `f(slot, value)` for every value of a blob, in slot order.
pub fn visit<'a>(data: &'a [u8], mut f: impl FnMut(usize, Cell<'a>)) -> Result<(), UsersError> {
    if data.len() < HEADER || data[0] != 1 {
        return Err(corrupt("header"));
    }
    let tag = data[1];
    let mut at = HEADER;
    let mut take = |n: usize| -> Result<&'a [u8], UsersError> {
        let s = data.get(at..at + n).ok_or_else(|| corrupt("length"))?;
        at += n;
        Ok(s)
    };
    for slot in 0..BLOCK {
        if data[2 + slot / 8] & (1 << (slot % 8)) == 0 {
            continue;
        }
        let cell = match tag {
            0 => {
                let len = u32::from_le_bytes(take(4)?.try_into().map_err(|_| corrupt("length"))?) as usize;
                Cell::Text(std::str::from_utf8(take(len)?).map_err(|_| corrupt("utf-8"))?)
            }
            1 => Cell::Num(f64::from_le_bytes(take(8)?.try_into().map_err(|_| corrupt("number"))?)),
            2 => Cell::Bool(take(1)?[0] != 0),
            3 => Cell::Time(i64::from_le_bytes(take(8)?.try_into().map_err(|_| corrupt("datetime"))?)),
            _ => return Err(corrupt("type tag")),
        };
        f(slot, cell);
    }
    Ok(())
}

/// Every slot of a blob as an owned value.
pub fn decode(data: &[u8]) -> Result<Vec<Option<Value>>, UsersError> {
    let mut slots = vec![None; BLOCK];
    visit(data, |slot, cell| slots[slot] = Some(cell.to_value()))?;
    Ok(slots)
}

/// The value of one slot, if present.
pub fn value_at(data: &[u8], slot: usize) -> Result<Option<Value>, UsersError> {
    let mut found = None;
    visit(data, |s, cell| {
        if s == slot {
            found = Some(cell.to_value());
        }
    })?;
    Ok(found)
}

/// Writes values (attribute id, user row id, value) inside the caller's transaction: every
/// block touched is read, merged (later values win) and written back once.
pub async fn write(conn: &mut SqliteConnection, values: &[(i64, i64, &Value)]) -> Result<(), UsersError> {
    let mut touched: BTreeMap<(i64, i64), Vec<(usize, &Value)>> = BTreeMap::new();
    for (attr, rowid, v) in values {
        let (block, slot) = locate(*rowid);
        touched.entry((*attr, block)).or_default().push((slot, *v));
    }
    let keys: Vec<(i64, i64)> = touched.keys().copied().collect();
    let mut blocks = read_blocks(conn, &keys).await?;
    let mut out = Vec::with_capacity(touched.len());
    for (key, writes) in touched {
        let mut slots = match blocks.remove(&key) {
            Some(data) => decode(&data)?,
            None => vec![None; BLOCK],
        };
        for (slot, v) in writes {
            slots[slot] = Some(v.clone());
        }
        let (present, data) = encode(&slots);
        out.push((key, present, data));
    }
    for part in out.chunks(200) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO user_columns (attr_id, block, present, data) ");
        q.push_values(part, |mut b, ((attr, block), present, data)| {
            b.push_bind(*attr).push_bind(*block).push_bind(*present).push_bind(data.as_slice());
        });
        q.push(" ON CONFLICT(attr_id, block) DO UPDATE SET present = excluded.present, data = excluded.data");
        q.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The stored blobs of the given (attribute, block) keys that exist.
async fn read_blocks(
    conn: &mut SqliteConnection,
    keys: &[(i64, i64)],
) -> Result<BTreeMap<(i64, i64), Vec<u8>>, UsersError> {
    let mut found = BTreeMap::new();
    let mut by_attr: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (attr, block) in keys {
        by_attr.entry(*attr).or_default().push(*block);
    }
    for (attr, blocks) in by_attr {
        for part in blocks.chunks(500) {
            let mut q: QueryBuilder<Sqlite> =
                QueryBuilder::new("SELECT block, data FROM user_columns WHERE attr_id = ");
            q.push_bind(attr).push(" AND block IN (");
            let mut sep = q.separated(", ");
            for b in part {
                sep.push_bind(*b);
            }
            q.push(")");
            for r in q.build().fetch_all(&mut *conn).await? {
                found.insert((attr, r.try_get::<i64, _>("block")?), r.try_get::<Vec<u8>, _>("data")?);
            }
        }
    }
    Ok(found)
}

/// The blobs of the given blocks of one attribute, by block.
pub async fn blocks_of(db: &Db, attr: i64, blocks: &[i64]) -> Result<BTreeMap<i64, Vec<u8>>, UsersError> {
    let mut conn = db.acquire().await?;
    let keys: Vec<(i64, i64)> = blocks.iter().map(|b| (attr, *b)).collect();
    Ok(read_blocks(&mut conn, &keys).await?.into_iter().map(|((_, b), d)| (b, d)).collect())
}

/// Calls `f(user row id, value)` for every value of an attribute, in row id order.
pub async fn scan(db: &Db, attr: i64, mut f: impl FnMut(usize, Cell<'_>)) -> Result<(), UsersError> {
    let mut rows =
        sqlx::query("SELECT block, data FROM user_columns WHERE attr_id = ? ORDER BY block").bind(attr).fetch(db);
    while let Some(r) = rows.try_next().await? {
        let base = r.try_get::<i64, _>("block")?.max(0) as usize * BLOCK;
        let data: &[u8] = r.try_get("data")?;
        visit(data, |slot, cell| f(base + slot, cell))?;
    }
    Ok(())
}

/// One-time conversion of an installation that still has the row-per-value `user_values`
/// table: every attribute is rewritten as blocks and the old table dropped, in one
/// transaction (a crash leaves the old table in place and the next start converts again).
pub async fn convert_legacy(db: &Db) -> Result<bool, UsersError> {
    let exists: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'user_values'")
            .fetch_one(db)
            .await?;
    if exists == 0 {
        return Ok(false);
    }
    let mut tx = crate::db::begin_write(db).await?;
    let attrs: Vec<(i64, String)> = sqlx::query_as("SELECT id, type FROM attributes").fetch_all(&mut *tx).await?;
    for (attr, ty) in attrs {
        let ty = super::AttrType::parse(&ty).unwrap_or(super::AttrType::String);
        let rows = sqlx::query("SELECT user_rowid, value FROM user_values WHERE attr_id = ? ORDER BY user_rowid")
            .bind(attr)
            .fetch_all(&mut *tx)
            .await?;
        let mut values = Vec::with_capacity(rows.len());
        for r in &rows {
            if let Some(v) = super::repo::decode(r, "value", ty) {
                values.push((r.try_get::<i64, _>("user_rowid")?, v));
            }
        }
        for part in values.chunks(BLOCK * 50) {
            let refs: Vec<(i64, i64, &Value)> = part.iter().map(|(id, v)| (attr, *id, v)).collect();
            write(&mut tx, &refs).await?;
        }
    }
    sqlx::query("DROP TABLE user_values").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_every_type_and_keep_absent_slots_absent() {
        for sample in [Value::Text("上海".into()), Value::Num(-1.5), Value::Bool(false), Value::Time(1_700_000_000)] {
            let mut slots = vec![None; BLOCK];
            slots[0] = Some(sample.clone());
            slots[513] = Some(sample.clone());
            slots[BLOCK - 1] = Some(sample.clone());
            let (present, data) = encode(&slots);
            assert_eq!(present, 3);
            assert_eq!(decode(&data).expect("decode"), slots);
            assert_eq!(value_at(&data, 513).expect("slot"), Some(sample.clone()));
            assert_eq!(value_at(&data, 514).expect("slot"), None);
        }
    }

    #[test]
    fn a_truncated_or_foreign_blob_is_refused_not_misread() {
        let mut slots = vec![None; BLOCK];
        slots[7] = Some(Value::Text("很长的文本".into()));
        let (_, data) = encode(&slots);
        assert!(decode(&data[..data.len() - 2]).is_err());
        assert!(decode(&[9u8; HEADER]).is_err());
        assert!(decode(&[]).is_err());
    }

    #[test]
    fn row_ids_map_to_blocks_and_slots() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(1023), (0, 1023));
        assert_eq!(locate(1024), (1, 0));
        assert_eq!(locate(1_000_001), (976, 1_000_001 % 1024));
    }

    #[tokio::test]
    async fn an_installation_with_row_per_value_storage_is_converted_at_open() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.db");
        let db = crate::db::open(&path).await.expect("db");
        for sql in [
            "CREATE TABLE user_values (attr_id INTEGER NOT NULL, user_rowid INTEGER NOT NULL, value NOT NULL, \
             PRIMARY KEY (attr_id, user_rowid)) WITHOUT ROWID",
            "INSERT INTO attributes (id, name, type, created_at) VALUES (1, 'city', 'string', 0), (2, 'points', 'number', 0)",
            "INSERT INTO users (id, user_id, phone, created_at, updated_at) VALUES (1, 'u1', NULL, 0, 0), (3000, 'u2', NULL, 0, 0)",
            "INSERT INTO user_values VALUES (1, 1, '上海'), (1, 3000, '北京'), (2, 3000, 42.0)",
        ] {
            sqlx::query(sql).execute(&db).await.expect(sql);
        }
        db.close().await;
        let db = crate::db::open(&path).await.expect("reopen converts");
        let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'user_values'")
            .fetch_one(&db)
            .await
            .expect("q");
        assert_eq!(tables, 0, "the old table is dropped");
        let u2 = crate::users::user_detail(&db, "u2").await.expect("q").expect("u2");
        let shown: Vec<(String, String)> = u2.attributes.iter().map(|(n, _, v)| (n.clone(), v.display())).collect();
        assert_eq!(shown, vec![("city".to_owned(), "北京".to_owned()), ("points".to_owned(), "42".to_owned())]);
        let u1 = crate::users::user_detail(&db, "u1").await.expect("q").expect("u1");
        assert_eq!(u1.attributes.len(), 1);
        assert!(!convert_legacy(&db).await.expect("again"), "nothing left to convert");
    }
}
