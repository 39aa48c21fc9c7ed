//! The in-memory column index behind live segment counts. Each attribute used by a rule is
//! loaded once from its stored blocks (`users::columns`) into a dense column by user row id (text dictionary-coded,
//! numbers and datetimes as f64, booleans as bytes) and reused until an import changes the
//! data (`invalidate`); a cached column is used only for the user range it was loaded for.
//! Counting a 3-condition rule over a million users is then a few tight loops over arrays
//! instead of SQL over an attribute-value table.

use super::SegmentError;
use crate::users::columns::{self, Cell};
use crate::users::{AttrType, UsersError};
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

    pub async fn universe(&self, db: &Db) -> Result<Arc<Universe>, SegmentError> {
        let generation = self.generation.load(Ordering::SeqCst);
        if let Some((g, u)) = self.universe.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if *g == generation {
                return Ok(u.clone());
            }
        }
        let (users, with_phone, len) = load_universe(db).await?;
        let u = Arc::new(Universe { users, with_phone, len });
        *self.universe.lock().unwrap_or_else(|p| p.into_inner()) = Some((generation, u.clone()));
        Ok(u)
    }

    /// Loads the universe (after an import or a restart, in the background). Attribute columns
    /// are loaded when a rule first needs them: a column is a scan of ~1,000 blobs per million
    /// users, and loading only what rules use keeps the memory of unused attributes (names,
    /// phones: a million distinct strings each) out of the process.
    pub async fn prewarm(&self, db: &Db) -> Result<usize, SegmentError> {
        Ok(self.universe(db).await?.len)
    }

    /// The column of `attribute`, or `None` if no such attribute exists.
    pub async fn column(
        &self,
        db: &Db,
        attribute: &str,
        len: usize,
    ) -> Result<Option<Arc<LoadedColumn>>, SegmentError> {
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

/// Which row ids are users and which have a phone, read in one snapshot. Users are never
/// deleted and row ids are assigned in order, so when the count equals the largest id every id
/// up to it is a user and only the (usually few) users without a phone are read.
async fn load_universe(db: &Db) -> Result<(Vec<u64>, Vec<u64>, usize), SegmentError> {
    let mut tx = db.begin().await?;
    let (max, count): (i64, i64) =
        sqlx::query_as("SELECT COALESCE(MAX(id), 0), COUNT(*) FROM users").fetch_one(&mut *tx).await?;
    let len = max.max(0) as usize + 1;
    let mut users = vec![0u64; len.div_ceil(64)];
    let set = |bits: &mut Vec<u64>, id: i64| {
        if let Some(w) = bits.get_mut(id as usize / 64) {
            *w |= 1 << (id as usize % 64);
        }
    };
    if count == max {
        (1..=max).for_each(|id| set(&mut users, id));
    } else {
        let mut rows = sqlx::query_scalar::<_, i64>("SELECT id FROM users").fetch(&mut *tx);
        while let Some(id) = rows.try_next().await? {
            set(&mut users, id);
        }
    }
    let mut with_phone = users.clone();
    let mut rows = sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE phone IS NULL").fetch(&mut *tx);
    while let Some(id) = rows.try_next().await? {
        if let Some(w) = with_phone.get_mut(id as usize / 64) {
            *w &= !(1 << (id as usize % 64));
        }
    }
    drop(rows);
    tx.commit().await?;
    Ok((users, with_phone, len))
}

async fn load(db: &Db, attr_id: i64, ty: AttrType, len: usize) -> Result<LoadedColumn, UsersError> {
    let data = match ty {
        AttrType::String => {
            let (mut codes, mut dict, mut lookup) = (vec![0u32; len], Vec::new(), HashMap::<String, u32>::new());
            columns::scan(db, attr_id, |id, cell| {
                let Cell::Text(v) = cell else { return };
                let code = match lookup.get(v) {
                    Some(c) => *c,
                    None => {
                        dict.push(v.to_owned());
                        lookup.insert(v.to_owned(), dict.len() as u32);
                        dict.len() as u32
                    }
                };
                if let Some(slot) = codes.get_mut(id) {
                    *slot = code;
                }
            })
            .await?;
            Column::Text { codes, dict }
        }
        AttrType::Boolean => {
            let mut vals = vec![0u8; len];
            columns::scan(db, attr_id, |id, cell| {
                if let (Some(slot), Cell::Bool(v)) = (vals.get_mut(id), cell) {
                    *slot = if v { 2 } else { 1 };
                }
            })
            .await?;
            Column::Bool(vals)
        }
        AttrType::Number | AttrType::Datetime => {
            let mut vals = vec![f64::NAN; len];
            columns::scan(db, attr_id, |id, cell| {
                let v = match cell {
                    Cell::Num(n) => n,
                    Cell::Time(t) => t as f64,
                    _ => return,
                };
                if let Some(slot) = vals.get_mut(id) {
                    *slot = v;
                }
            })
            .await?;
            Column::Num(vals)
        }
    };
    Ok(LoadedColumn { ty, data })
}
