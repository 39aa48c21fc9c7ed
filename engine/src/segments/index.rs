//! The in-memory column index behind live segment counts. Each attribute used by a rule is
//! loaded once from `user_values` into a dense column by user row id (text dictionary-coded,
//! numbers and datetimes as f64, booleans as bytes) and reused until an import changes the
//! data (`invalidate`); a cached column is used only for the user range it was loaded for.
//! Counting a 3-condition rule over a million users is then a few tight loops over arrays
//! instead of SQL over an attribute-value table.

use crate::users::AttrType;
use crate::Db;
use futures::TryStreamExt;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub enum Column {
    Text { codes: Vec<u32>, dict: Vec<String> },
    Num(Vec<f64>),
    Bool(Vec<u8>),
}

pub struct LoadedColumn {
    pub ty: AttrType,
    pub data: Column,
}

impl LoadedColumn {
    /// How many user row ids the column covers.
    pub fn len(&self) -> usize {
        match &self.data {
            Column::Text { codes, .. } => codes.len(),
            Column::Num(v) => v.len(),
            Column::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Which row ids are users, and which have a valid phone.
pub struct Universe {
    pub users: Vec<u64>,
    pub with_phone: Vec<u64>,
    pub len: usize,
}

#[derive(Default)]
pub struct Index {
    generation: AtomicU64,
    columns: Mutex<HashMap<String, (u64, Arc<LoadedColumn>)>>,
    universe: Mutex<Option<(u64, Arc<Universe>)>>,
}

impl Index {
    /// Drops cached columns; call after imports and phone-attribute changes.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub async fn universe(&self, db: &Db) -> Result<Arc<Universe>, sqlx::Error> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((g, u)) = self.universe.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *g == generation {
                return Ok(u.clone());
            }
        }
        let max: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM users").fetch_one(db).await?;
        let len = max as usize + 1;
        let (mut users, mut with_phone) = (vec![0u64; len.div_ceil(64)], vec![0u64; len.div_ceil(64)]);
        let mut rows = sqlx::query("SELECT id, phone IS NOT NULL AS has_phone FROM users").fetch(db);
        while let Some(r) = rows.try_next().await? {
            let id = r.try_get::<i64, _>("id")? as usize;
            users[id / 64] |= 1 << (id % 64);
            if r.try_get::<i64, _>("has_phone")? != 0 {
                with_phone[id / 64] |= 1 << (id % 64);
            }
        }
        let u = Arc::new(Universe { users, with_phone, len });
        *self.universe.lock().unwrap_or_else(|p| p.into_inner()) = Some((generation, u.clone()));
        Ok(u)
    }

    /// Loads the universe and every attribute column, so the first count after an import or a
    /// restart is as fast as later ones. Runs in the background; errors only cost speed.
    pub async fn prewarm(&self, db: &Db) -> Result<usize, sqlx::Error> {
        let universe = self.universe(db).await?;
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM attributes").fetch_all(db).await?;
        for name in &names {
            self.column(db, name, universe.len).await?;
        }
        Ok(names.len())
    }

    /// The column of `attribute`, or `None` if no such attribute exists.
    pub async fn column(&self, db: &Db, attribute: &str, len: usize) -> Result<Option<Arc<LoadedColumn>>, sqlx::Error> {
        let generation = self.generation.load(Ordering::SeqCst);
        // Keyed by generation *and* length: a column loaded for a shorter user range (a count
        // that raced an import) is never served to a longer universe.
        if let Some((g, c)) = self.columns.lock().unwrap_or_else(|p| p.into_inner()).get(attribute) {
            if *g == generation && c.len() == len {
                return Ok(Some(c.clone()));
            }
        }
        let Some(row) =
            sqlx::query("SELECT id, type FROM attributes WHERE name = ?").bind(attribute).fetch_optional(db).await?
        else {
            return Ok(None);
        };
        let ty = AttrType::parse(&row.try_get::<String, _>("type")?).unwrap_or(AttrType::String);
        let col = Arc::new(load(db, row.try_get("id")?, ty, len).await?);
        self.columns.lock().unwrap_or_else(|p| p.into_inner()).insert(attribute.to_owned(), (generation, col.clone()));
        Ok(Some(col))
    }
}

async fn load(db: &Db, attr_id: i64, ty: AttrType, len: usize) -> Result<LoadedColumn, sqlx::Error> {
    let sql = match ty {
        AttrType::String => "SELECT user_rowid, CAST(value AS TEXT) FROM user_values WHERE attr_id = ?",
        AttrType::Boolean => "SELECT user_rowid, CAST(value AS INTEGER) FROM user_values WHERE attr_id = ?",
        AttrType::Number | AttrType::Datetime => {
            "SELECT user_rowid, CAST(value AS REAL) FROM user_values WHERE attr_id = ?"
        }
    };
    let mut rows = sqlx::query(sql).bind(attr_id).fetch(db);
    let data = match ty {
        AttrType::String => {
            let (mut codes, mut dict, mut lookup) = (vec![0u32; len], Vec::new(), HashMap::<String, u32>::new());
            while let Some(r) = rows.try_next().await? {
                let (id, v): (i64, String) = (r.try_get(0)?, r.try_get(1)?);
                let code = *lookup.entry(v).or_insert_with_key(|k| {
                    dict.push(k.clone());
                    dict.len() as u32
                });
                if let Some(slot) = codes.get_mut(id as usize) {
                    *slot = code;
                }
            }
            Column::Text { codes, dict }
        }
        AttrType::Boolean => {
            let mut vals = vec![0u8; len];
            while let Some(r) = rows.try_next().await? {
                let (id, v): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
                if let Some(slot) = vals.get_mut(id as usize) {
                    *slot = if v != 0 { 2 } else { 1 };
                }
            }
            Column::Bool(vals)
        }
        AttrType::Number | AttrType::Datetime => {
            let mut vals = vec![f64::NAN; len];
            while let Some(r) = rows.try_next().await? {
                let (id, v): (i64, f64) = (r.try_get(0)?, r.try_get(1)?);
                if let Some(slot) = vals.get_mut(id as usize) {
                    *slot = v;
                }
            }
            Column::Num(vals)
        }
    };
    Ok(LoadedColumn { ty, data })
}
