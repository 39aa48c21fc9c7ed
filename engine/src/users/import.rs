//! Imports users from CSV or NDJSON: upsert by user id (new attributes are added, given
//! values replace stored ones, other attributes stay untouched; empty cells change nothing).
//! Bad rows are skipped with their line and reason. The whole import is one transaction:
//! if the file turns out unreadable part-way (encoding, broken CSV), nothing is applied.

use super::read::{self, Msg, RawRow};
use super::values::{self, AttrType, Value};
use super::UsersError;
use crate::Db;
use serde::{Deserialize, Serialize};
use sqlx::{Sqlite, Transaction};
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;

pub use read::{Encoding, Format};

const INFER_ROWS: usize = 1000;
const CHUNK: usize = 1000;
const BAD_ROWS_KEPT: usize = 10_000;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: Format,
    pub encoding: Encoding,
    /// Types chosen by the operator for new columns; others are inferred.
    pub types: HashMap<String, AttrType>,
    pub file_name: String,
    pub actor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportSummary {
    pub import_id: i64,
    pub encoding: String,
    pub rows_total: u64,
    pub rows_ok: u64,
    pub rows_bad: u64,
    pub users_new: u64,
    pub users_updated: u64,
    pub duplicate_ids: u64,
    pub phones_invalid: u64,
    /// (name, type, newly created)
    pub attributes: Vec<(String, AttrType, bool)>,
    pub bad_rows: Vec<BadRow>,
}

/// A column of the file resolved to a catalog attribute.
#[derive(Clone)]
struct Column {
    attr_id: i64,
    ty: AttrType,
}

struct Run<'a> {
    opts: &'a ImportOptions,
    names: Vec<String>,
    columns: Vec<Option<Column>>,
    phone_attr: String,
    seen: HashSet<u64>,
    pending: Vec<Pending>,
    summary: ImportSummary,
}

/// Runs an import to completion; a fatal problem rolls everything back and is returned.
pub async fn run(db: &Db, input: Box<dyn Read + Send>, opts: ImportOptions) -> Result<ImportSummary, UsersError> {
    run_recorded(db, input, opts).await.1
}

/// Like [`run`], also returning the id of the import record (kept for failed runs too).
pub async fn run_recorded(
    db: &Db,
    input: Box<dyn Read + Send>,
    opts: ImportOptions,
) -> (Option<i64>, Result<ImportSummary, UsersError>) {
    let import_id = match super::repo::start_import(db, &opts).await {
        Ok(id) => id,
        Err(e) => return (None, Err(e)),
    };
    let result = match apply(db, input, &opts).await {
        Ok(mut summary) => {
            summary.import_id = import_id;
            super::repo::finish_import(db, import_id, &summary, None).await.map(|()| summary)
        }
        Err(e) => {
            let summary = ImportSummary { import_id, ..ImportSummary::default() };
            super::repo::finish_import(db, import_id, &summary, Some(&e.to_string())).await.and(Err(e))
        }
    };
    (Some(import_id), result)
}

/// The format a file name implies: `.ndjson`, `.jsonl` and `.json` are NDJSON, else CSV.
pub fn format_for(file_name: &str) -> Format {
    let lower = file_name.to_ascii_lowercase();
    if [".ndjson", ".jsonl", ".json"].iter().any(|e| lower.ends_with(e)) {
        Format::Ndjson
    } else {
        Format::Csv
    }
}

async fn apply(db: &Db, input: Box<dyn Read + Send>, opts: &ImportOptions) -> Result<ImportSummary, UsersError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(4096);
    let (format, encoding) = (opts.format, opts.encoding);
    let reader = tokio::task::spawn_blocking(move || read::run(input, format, encoding, tx));
    let phone_attr = crate::settings::phone_attribute(db).await.map_err(|e| UsersError::Invalid(e.to_string()))?;
    let users_before = super::repo::count_users(db).await?;
    let mut db_tx = db.begin().await?;
    let mut run = Run {
        opts,
        names: Vec::new(),
        columns: Vec::new(),
        phone_attr,
        seen: HashSet::new(),
        pending: Vec::new(),
        summary: ImportSummary::default(),
    };
    let mut buffered: Vec<RawRow> = Vec::new();
    let mut typed = false;
    while let Some(msg) = rx.recv().await {
        match msg {
            Msg::Encoding(label) => run.summary.encoding = label.to_owned(),
            Msg::Columns(names) => {
                run.names = names;
                if typed {
                    run.resolve_columns(&mut db_tx, &[]).await?;
                }
            }
            Msg::Bad { line, reason } => run.bad(line, reason),
            Msg::Fatal(e) => return Err(UsersError::Invalid(e)),
            Msg::Row(row) if !typed => {
                buffered.push(row);
                if buffered.len() >= INFER_ROWS {
                    run.resolve_columns(&mut db_tx, &buffered).await?;
                    typed = true;
                    for r in std::mem::take(&mut buffered) {
                        run.row(&mut db_tx, r).await?;
                    }
                }
            }
            Msg::Row(row) => run.row(&mut db_tx, row).await?,
        }
    }
    let _ = reader.await;
    if !typed {
        run.resolve_columns(&mut db_tx, &buffered).await?;
        for r in std::mem::take(&mut buffered) {
            run.row(&mut db_tx, r).await?;
        }
    }
    run.flush(&mut db_tx).await?;
    if run.names.is_empty() {
        return Err(UsersError::Invalid("文件没有表头".into()));
    }
    sqlx::query("UPDATE users SET phone = NULL WHERE phone = ''").execute(&mut *db_tx).await?;
    db_tx.commit().await?;
    let users_after = super::repo::count_users(db).await?;
    let mut s = run.summary;
    s.bad_rows.sort_by_key(|b| b.line);
    s.users_new = (users_after - users_before).max(0) as u64;
    s.users_updated = s.rows_ok.saturating_sub(s.users_new + s.duplicate_ids);
    Ok(s)
}

impl Run<'_> {
    fn bad(&mut self, line: u64, reason: String) {
        self.summary.rows_total += 1;
        self.summary.rows_bad += 1;
        if self.summary.bad_rows.len() < BAD_ROWS_KEPT {
            self.summary.bad_rows.push(BadRow { line, reason });
        }
    }

    /// Maps every column (after the id) to an attribute, creating new ones with the chosen
    /// or inferred type. Existing attributes keep their type.
    async fn resolve_columns(&mut self, tx: &mut Transaction<'_, Sqlite>, sample: &[RawRow]) -> Result<(), UsersError> {
        let existing = super::repo::attributes_by_name(tx).await?;
        for (idx, name) in self.names.iter().enumerate().skip(self.columns.len().max(1)) {
            let (column, created) = match existing.get(name) {
                Some((id, ty)) => (Column { attr_id: *id, ty: *ty }, false),
                None => {
                    let ty = self.opts.types.get(name).copied().unwrap_or_else(|| infer_column(sample, idx));
                    let id = super::repo::insert_attribute(tx, name, ty).await?;
                    (Column { attr_id: id, ty }, true)
                }
            };
            self.summary.attributes.push((name.clone(), column.ty, created));
            while self.columns.len() < idx {
                self.columns.push(None);
            }
            self.columns.push(Some(column));
        }
        Ok(())
    }

    async fn row(&mut self, tx: &mut Transaction<'_, Sqlite>, row: RawRow) -> Result<(), UsersError> {
        if row.id.is_empty() || row.id.chars().count() > 128 {
            self.bad(row.line, "用户ID为空或超过 128 个字符".into());
            return Ok(());
        }
        let mut values = Vec::with_capacity(row.cells.len());
        let mut phone = None;
        for (idx, raw) in &row.cells {
            let (Some(Some(col)), Some(name)) = (self.columns.get(*idx), self.names.get(*idx)) else { continue };
            match values::parse(col.ty, raw) {
                Ok(v) => values.push((col.attr_id, v)),
                Err(reason) => {
                    self.bad(row.line, format!("列“{name}”{reason}"));
                    return Ok(());
                }
            }
            if *name == self.phone_attr {
                let normalized = crate::phone::normalize(raw).ok();
                if normalized.is_none() {
                    self.summary.phones_invalid += 1;
                }
                phone = Some(normalized.unwrap_or_default());
            }
        }
        self.summary.rows_total += 1;
        self.summary.rows_ok += 1;
        let mut h = DefaultHasher::new();
        row.id.hash(&mut h);
        if !self.seen.insert(h.finish()) {
            self.summary.duplicate_ids += 1;
        }
        self.pending.push((row.id, values, phone));
        if self.pending.len() >= CHUNK {
            self.flush(tx).await?;
        }
        Ok(())
    }

    async fn flush(&mut self, tx: &mut Transaction<'_, Sqlite>) -> Result<(), UsersError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = merge_duplicates(std::mem::take(&mut self.pending));
        let ids = super::repo::upsert_users(tx, &rows).await?;
        let mut values: Vec<(i64, i64, &Value)> = Vec::new();
        for (id, (_, vals, _)) in ids.iter().zip(&rows) {
            values.extend(vals.iter().map(|(attr, v)| (*attr, *id, v)));
        }
        super::repo::upsert_values(tx, &values).await
    }
}

fn infer_column(sample: &[RawRow], idx: usize) -> AttrType {
    let vals: Vec<&str> =
        sample.iter().filter_map(|r| r.cells.iter().find(|(i, _)| *i == idx)).map(|(_, v)| v.as_str()).collect();
    values::infer(&vals)
}

use super::repo::PendingUser as Pending;

/// Within one chunk, later rows for the same id override earlier values attribute by attribute.
fn merge_duplicates(rows: Vec<Pending>) -> Vec<Pending> {
    let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    let mut out: Vec<Pending> = Vec::with_capacity(rows.len());
    for (id, vals, phone) in rows {
        match index.get(&id) {
            Some(&i) => {
                let slot = &mut out[i];
                for (attr, v) in vals {
                    match slot.1.iter_mut().find(|(a, _)| *a == attr) {
                        Some(existing) => existing.1 = v,
                        None => slot.1.push((attr, v)),
                    }
                }
                if phone.is_some() {
                    slot.2 = phone;
                }
            }
            None => {
                index.insert(id.clone(), out.len());
                out.push((id, vals, phone));
            }
        }
    }
    out
}

/// Binds a typed value as its SQLite storage class.
pub(super) fn push_value(b: &mut sqlx::query_builder::Separated<'_, '_, Sqlite, &'static str>, v: &Value) {
    match v {
        Value::Text(s) => b.push_bind(s.clone()),
        Value::Num(n) => b.push_bind(*n),
        Value::Bool(x) => b.push_bind(i64::from(*x)),
        Value::Time(t) => b.push_bind(*t),
    };
}

#[cfg(test)]
mod tests;
