//! The staging file of an import: every checked row as one JSON line, written while the upload
//! arrives (no database lock is held, however slow the client), fsynced before anything is
//! applied, and kept until the apply has finished so a crash mid-apply is completed at the next
//! start. The columns (names and types) are recorded with the import row (`imports.staging`).

use super::super::values::{AttrType, Value};
use super::super::UsersError;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// One checked row: user id, (column index, typed value), phone (`Some("")` = invalid).
pub type StagedRow = (String, Vec<(usize, Value)>, Option<String>);

/// What the apply needs besides the rows: the file and each column's name and type
/// (`None` for the user id column).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub file: PathBuf,
    pub columns: Vec<(String, Option<AttrType>)>,
}

fn io(e: std::io::Error) -> UsersError {
    UsersError::Invalid(format!("导入暂存文件读写失败：{e}"))
}

pub struct Writer {
    out: BufWriter<File>,
    pub path: PathBuf,
    line: Vec<u8>,
}

impl Writer {
    /// Creates `<dir>/import-<id>.ndjson` (the directory owner-only).
    pub fn create(dir: &Path, import_id: i64) -> Result<Self, UsersError> {
        crate::secrets::private_dir(dir).map_err(io)?;
        let path = dir.join(format!("import-{import_id}.ndjson"));
        let file = crate::secrets::private_file(&path).map_err(io)?;
        Ok(Self { out: BufWriter::with_capacity(1 << 20, file), path, line: Vec::with_capacity(256) })
    }

    pub fn row(&mut self, row: &StagedRow) -> Result<(), UsersError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, row).map_err(|e| UsersError::Invalid(e.to_string()))?;
        self.line.push(b'\n');
        self.out.write_all(&self.line).map_err(io)
    }

    /// Flushes and fsyncs: after this the rows survive a crash.
    pub fn finish(self) -> Result<PathBuf, UsersError> {
        let file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(self.path)
    }
}

/// Reads the staged rows back in file order, `n` at a time.
pub struct Reader {
    input: BufReader<File>,
    buf: String,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Self, UsersError> {
        Ok(Self { input: BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?), buf: String::new() })
    }

    /// Up to `n` rows; empty at the end.
    pub fn next(&mut self, n: usize) -> Result<Vec<StagedRow>, UsersError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            self.buf.clear();
            if self.input.read_line(&mut self.buf).map_err(io)? == 0 {
                break;
            }
            let row = serde_json::from_str(self.buf.trim_end())
                .map_err(|e| UsersError::Invalid(format!("导入暂存文件损坏：{e}")))?;
            out.push(row);
        }
        Ok(out)
    }
}
