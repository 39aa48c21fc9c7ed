//! Imports users from CSV or NDJSON: upsert by user id (new attributes are added, given
//! values replace stored ones, other attributes stay untouched; empty cells change nothing).
//! Bad rows are skipped with their line and reason.
//!
//! Two phases, so no transaction ever waits on the upload: the file is read, typed and checked
//! into a staging file while it arrives (no database lock held), then [`apply`] writes it in
//! short transactions. A file that turns out unreadable part-way (encoding, broken CSV) is
//! refused before anything is applied; an apply cut short by a crash is completed at the next
//! start from the staging file. So an import is applied wholly or not at all.

mod apply;
pub(crate) mod record;
mod staging;

use super::read::{self, Msg, RawRow};
use super::values::{self, AttrType};
use super::UsersError;
use crate::Db;
use serde::{Deserialize, Serialize};
use staging::{Manifest, StagedRow};
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};
use std::io::Read;

pub use apply::resume;
pub use read::{Encoding, Format};

const INFER_ROWS: usize = 1000;
const BAD_ROWS_KEPT: usize = 10_000;
/// Most attributes an installation may have: each is a dense column over all users in the
/// segment index (1M users × 500 attributes is already ~4 GB at worst).
pub const MAX_ATTRIBUTES: usize = 500;
/// Longest accepted cell (bytes): longer values are refused with the row.
pub const MAX_CELL: usize = 4096;

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
    /// Time spent reading and checking the file, and writing it to the database.
    #[serde(default)]
    pub read_ms: u64,
    #[serde(default)]
    pub write_ms: u64,
}

struct Run<'a> {
    opts: &'a ImportOptions,
    names: Vec<String>,
    /// The type of each column after the id (`None` at index 0).
    columns: Vec<Option<AttrType>>,
    /// The catalog when the import started (name → type), and how many attributes it had.
    catalog: HashMap<String, AttrType>,
    phone_attr: String,
    /// Hashes of the user ids seen so far (duplicates are counted, not refused).
    seen: HashSet<u64, BuildHasherDefault<Prehashed>>,
    out: staging::Writer,
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
    let import_id = match record::start_import(db, &opts).await {
        Ok(id) => id,
        Err(e) => return (None, Err(e)),
    };
    let started = std::time::Instant::now();
    let result = match stage(db, input, &opts, import_id).await {
        Ok((mut summary, manifest)) => {
            summary.import_id = import_id;
            summary.read_ms = started.elapsed().as_millis() as u64;
            let applied = apply_staged(db, import_id, &mut summary, &manifest).await;
            let _ = std::fs::remove_file(&manifest.file);
            applied.map(|()| summary)
        }
        Err(e) => {
            let summary = ImportSummary { import_id, ..ImportSummary::default() };
            record::finish_import(db, import_id, &summary, Some(&e.to_string())).await.and(Err(e))
        }
    };
    (Some(import_id), result)
}

/// Records the checked file as `applying` (so a crash resumes it), applies it, records `done`.
async fn apply_staged(
    db: &Db,
    import_id: i64,
    summary: &mut ImportSummary,
    manifest: &Manifest,
) -> Result<(), UsersError> {
    let staged = serde_json::to_string(manifest).map_err(|e| UsersError::Invalid(e.to_string()))?;
    record::mark_applying(db, import_id, summary, &staged).await?;
    let started = std::time::Instant::now();
    match apply::apply(db, manifest).await {
        Ok(new) => {
            summary.write_ms = started.elapsed().as_millis() as u64;
            summary.users_new = new;
            summary.users_updated = summary.rows_ok.saturating_sub(new + summary.duplicate_ids);
            record::finish_import(db, import_id, summary, None).await
        }
        Err(e @ UsersError::Invalid(_)) => {
            record::finish_import(db, import_id, summary, Some(&e.to_string())).await.and(Err(e))
        }
        // A database fault part-way: the record stays `applying` and the next start completes it.
        Err(e) => Err(e),
    }
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

/// Reads and checks the whole file into a staging file; nothing is written to the database.
async fn stage(
    db: &Db,
    input: Box<dyn Read + Send>,
    opts: &ImportOptions,
    import_id: i64,
) -> Result<(ImportSummary, Manifest), UsersError> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Msg>(16); // × read::ROWS_PER_MSG rows
    let (format, encoding) = (opts.format, opts.encoding);
    let reader = tokio::task::spawn_blocking(move || read::run(input, format, encoding, tx));
    let phone_attr = crate::settings::phone_attribute(db).await.map_err(|e| UsersError::Invalid(e.to_string()))?;
    let catalog = {
        let mut conn = db.acquire().await?;
        super::repo::attributes_by_name(&mut conn).await?.into_iter().map(|(n, (_, t))| (n, t)).collect()
    };
    let out = staging::Writer::create(&crate::db::work_dir(db, "staging"), import_id)?;
    let mut run = Run {
        opts,
        names: Vec::new(),
        columns: Vec::new(),
        catalog,
        phone_attr,
        seen: HashSet::default(),
        out,
        summary: ImportSummary::default(),
    };
    let staged = run.read_all(&mut rx).await;
    let _ = reader.await;
    let path = run.out.path.clone();
    let finished = staged.and_then(|()| {
        if run.names.is_empty() {
            return Err(UsersError::Invalid("文件没有表头".into()));
        }
        run.out.finish()
    });
    let file = match finished {
        Ok(file) => file,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    let columns = run.names.iter().cloned().zip(run.columns.iter().copied()).collect();
    let mut s = run.summary;
    s.bad_rows.sort_by_key(|b| b.line);
    Ok((s, Manifest { file, columns }))
}

impl Run<'_> {
    async fn read_all(&mut self, rx: &mut tokio::sync::mpsc::Receiver<Msg>) -> Result<(), UsersError> {
        let mut buffered: Vec<RawRow> = Vec::new();
        let mut typed = false;
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::Encoding(label) => self.summary.encoding = label.to_owned(),
                Msg::Columns(names) => {
                    self.names = names;
                    if typed {
                        self.resolve_columns(&[])?;
                    }
                }
                Msg::Bad { line, reason } => self.bad(line, reason),
                Msg::Fatal(e) => return Err(UsersError::Invalid(e)),
                Msg::Row(row) => self.take(row, &mut buffered, &mut typed)?,
                Msg::Rows(rows) => {
                    for row in rows {
                        self.take(row, &mut buffered, &mut typed)?;
                    }
                }
            }
        }
        if !typed {
            self.resolve_columns(&buffered)?;
            for r in std::mem::take(&mut buffered) {
                self.row(r)?;
            }
        }
        Ok(())
    }

    /// A data row: held back until the first [`INFER_ROWS`] have typed the new columns.
    fn take(&mut self, row: RawRow, buffered: &mut Vec<RawRow>, typed: &mut bool) -> Result<(), UsersError> {
        if *typed {
            return self.row(row);
        }
        buffered.push(row);
        if buffered.len() >= INFER_ROWS {
            self.resolve_columns(buffered)?;
            *typed = true;
            for r in std::mem::take(buffered) {
                self.row(r)?;
            }
        }
        Ok(())
    }

    fn bad(&mut self, line: u64, reason: String) {
        self.summary.rows_total += 1;
        self.summary.rows_bad += 1;
        if self.summary.bad_rows.len() < BAD_ROWS_KEPT {
            self.summary.bad_rows.push(BadRow { line, reason });
        }
    }

    /// Types every column (after the id): existing attributes keep their type, new ones get
    /// the chosen or inferred type (they are created when the import is applied).
    fn resolve_columns(&mut self, sample: &[RawRow]) -> Result<(), UsersError> {
        if self.columns.is_empty() {
            self.columns.push(None);
        }
        for idx in self.columns.len()..self.names.len() {
            let name = &self.names[idx];
            let (ty, created) = match self.catalog.get(name) {
                Some(ty) => (*ty, false),
                None => {
                    if self.catalog.len() >= MAX_ATTRIBUTES {
                        return Err(UsersError::Invalid(format!(
                            "属性数量超过上限 {MAX_ATTRIBUTES} 个（新属性“{name}”）：请只导入需要的列"
                        )));
                    }
                    let ty = self.opts.types.get(name).copied().unwrap_or_else(|| infer_column(sample, idx));
                    self.catalog.insert(name.clone(), ty);
                    (ty, true)
                }
            };
            self.summary.attributes.push((name.clone(), ty, created));
            self.columns.push(Some(ty));
        }
        Ok(())
    }

    fn row(&mut self, row: RawRow) -> Result<(), UsersError> {
        if row.id.is_empty() || row.id.chars().count() > 128 {
            self.bad(row.line, "用户ID为空或超过 128 个字符".into());
            return Ok(());
        }
        let mut values = Vec::with_capacity(row.cells.len());
        let mut phone = None;
        for (idx, raw) in row.cells {
            let (Some(Some(ty)), Some(name)) = (self.columns.get(idx), self.names.get(idx)) else { continue };
            if raw.len() > MAX_CELL {
                self.bad(row.line, format!("列“{name}”的值超过 {MAX_CELL} 字节"));
                return Ok(());
            }
            let normalized = (*name == self.phone_attr).then(|| crate::phone::normalize(&raw).ok());
            match values::parse_owned(*ty, raw) {
                Ok(v) => values.push((idx, v)),
                Err(reason) => {
                    self.bad(row.line, format!("列“{name}”{reason}"));
                    return Ok(());
                }
            }
            if let Some(normalized) = normalized {
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
        let staged: StagedRow = (row.id, values, phone);
        self.out.row(&staged)
    }
}

/// The hasher of a set of hashes: a key is already a SipHash of the user id, so hashing it
/// again would only cost time.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, b| h.rotate_left(8) ^ u64::from(*b));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn infer_column(sample: &[RawRow], idx: usize) -> AttrType {
    let vals: Vec<&str> =
        sample.iter().filter_map(|r| r.cells.iter().find(|(i, _)| *i == idx)).map(|(_, v)| v.as_str()).collect();
    values::infer(&vals)
}

use super::repo::PendingUser as Pending;

/// Within one chunk, later rows for the same id override earlier values attribute by attribute.
pub(super) fn merge_duplicates(rows: Vec<Pending>) -> Vec<Pending> {
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
#[cfg(test)]
mod tests;
