//! The staging file of an import: every checked row in a compact binary record (format below),
//! written while the upload arrives (no database lock is held, however slow the client), fsynced before anything is
//! applied, and kept until the apply has finished so a crash mid-apply is completed at the next
//! start. The columns (names and types) are recorded with the import row (`imports.staging`).
//!
//! Record (little-endian): u32 id length + id, phone (0 = absent, 1 = u32 length + text), u32
//! value count, then per value u32 column index, type tag (0 text: u32 length + UTF-8, 1 number
//! f64, 2 boolean u8, 3 datetime i64). Files from earlier versions (`.ndjson`, one JSON array
//! per line) are still read, so an apply cut short before an upgrade completes after it.

use super::super::values::{AttrType, Value};
use super::super::UsersError;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
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
    /// Creates `<dir>/import-<id>.rows` (the directory owner-only).
    pub fn create(dir: &Path, import_id: i64) -> Result<Self, UsersError> {
        crate::secrets::private_dir(dir).map_err(io)?;
        let path = dir.join(format!("import-{import_id}.rows"));
        let file = crate::secrets::private_file(&path).map_err(io)?;
        Ok(Self { out: BufWriter::with_capacity(1 << 20, file), path, line: Vec::with_capacity(256) })
    }

    pub fn row(&mut self, (id, values, phone): &StagedRow) -> Result<(), UsersError> {
        let b = &mut self.line;
        b.clear();
        put_str(b, id);
        match phone {
            Some(p) => {
                b.push(1);
                put_str(b, p);
            }
            None => b.push(0),
        }
        b.extend_from_slice(&(values.len() as u32).to_le_bytes());
        for (col, v) in values {
            b.extend_from_slice(&(*col as u32).to_le_bytes());
            match v {
                Value::Text(t) => {
                    b.push(0);
                    put_str(b, t);
                }
                Value::Num(n) => {
                    b.push(1);
                    b.extend_from_slice(&n.to_le_bytes());
                }
                Value::Bool(x) => b.extend_from_slice(&[2, u8::from(*x)]),
                Value::Time(t) => {
                    b.push(3);
                    b.extend_from_slice(&t.to_le_bytes());
                }
            }
        }
        self.out.write_all(&self.line).map_err(io)
    }

    /// Flushes and fsyncs: after this the rows survive a crash.
    pub fn finish(self) -> Result<PathBuf, UsersError> {
        let file = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        Ok(self.path)
    }
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(&(s.len() as u32).to_le_bytes());
    b.extend_from_slice(s.as_bytes());
}

/// Reads the staged rows back in file order, `n` at a time.
pub struct Reader {
    input: BufReader<File>,
    json: bool,
    buf: String,
}

impl Reader {
    pub fn open(path: &Path) -> Result<Self, UsersError> {
        let json = path.extension().is_some_and(|e| e == "ndjson");
        Ok(Self { input: BufReader::with_capacity(1 << 20, File::open(path).map_err(io)?), json, buf: String::new() })
    }

    /// Up to `n` rows; empty at the end.
    pub fn next(&mut self, n: usize) -> Result<Vec<StagedRow>, UsersError> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            match if self.json { self.json_row()? } else { self.binary_row()? } {
                Some(row) => out.push(row),
                None => break,
            }
        }
        Ok(out)
    }

    fn json_row(&mut self) -> Result<Option<StagedRow>, UsersError> {
        self.buf.clear();
        if self.input.read_line(&mut self.buf).map_err(io)? == 0 {
            return Ok(None);
        }
        serde_json::from_str(self.buf.trim_end()).map(Some).map_err(|e| damaged(&e.to_string()))
    }

    fn binary_row(&mut self) -> Result<Option<StagedRow>, UsersError> {
        let mut len = [0u8; 4];
        match self.input.read(&mut len[..1]).map_err(io)? {
            0 => return Ok(None),
            _ => self.input.read_exact(&mut len[1..]).map_err(|e| damaged(&e.to_string()))?,
        }
        let id = self.string(u32::from_le_bytes(len) as usize)?;
        let phone = match self.byte()? {
            0 => None,
            _ => {
                let n = self.u32()? as usize;
                Some(self.string(n)?)
            }
        };
        let count = self.u32()? as usize;
        let mut values = Vec::with_capacity(count.min(super::MAX_ATTRIBUTES + 1));
        for _ in 0..count {
            let col = self.u32()? as usize;
            let v = match self.byte()? {
                0 => {
                    let n = self.u32()? as usize;
                    Value::Text(self.string(n)?)
                }
                1 => Value::Num(f64::from_le_bytes(self.array()?)),
                2 => Value::Bool(self.byte()? != 0),
                3 => Value::Time(i64::from_le_bytes(self.array()?)),
                _ => return Err(damaged("类型")),
            };
            values.push((col, v));
        }
        Ok(Some((id, values, phone)))
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], UsersError> {
        let mut b = [0u8; N];
        self.input.read_exact(&mut b).map_err(|e| damaged(&e.to_string()))?;
        Ok(b)
    }

    fn byte(&mut self) -> Result<u8, UsersError> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32, UsersError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn string(&mut self, n: usize) -> Result<String, UsersError> {
        if n > super::MAX_CELL.max(128) * 4 {
            return Err(damaged("长度"));
        }
        let mut b = vec![0u8; n];
        self.input.read_exact(&mut b).map_err(|e| damaged(&e.to_string()))?;
        String::from_utf8(b).map_err(|_| damaged("编码"))
    }
}

fn damaged(what: &str) -> UsersError {
    UsersError::Invalid(format!("导入暂存文件损坏：{what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<StagedRow> {
        vec![
            (
                "u1".into(),
                vec![
                    (1, Value::Text("上海, 浦东".into())),
                    (2, Value::Num(1.5)),
                    (3, Value::Bool(true)),
                    (4, Value::Time(-3)),
                ],
                Some("13800138000".into()),
            ),
            ("用户二".into(), vec![], Some(String::new())),
            ("u3".into(), vec![(9, Value::Text(String::new()))], None),
        ]
    }

    #[test]
    fn staged_rows_read_back_as_written_and_earlier_json_files_still_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = Writer::create(dir.path(), 7).expect("create");
        rows().iter().for_each(|r| w.row(r).expect("row"));
        let path = w.finish().expect("finish");
        let mut r = Reader::open(&path).expect("open");
        assert_eq!(r.next(2).expect("read"), rows()[..2]);
        assert_eq!(r.next(10).expect("read"), rows()[2..]);
        assert!(r.next(10).expect("end").is_empty());

        let legacy = dir.path().join("import-1.ndjson");
        let lines: Vec<String> = rows().iter().map(|r| serde_json::to_string(r).expect("json")).collect();
        std::fs::write(&legacy, lines.join("\n") + "\n").expect("write");
        assert_eq!(Reader::open(&legacy).expect("open").next(10).expect("read"), rows());
    }

    #[test]
    fn a_cut_off_staging_file_is_refused_not_misread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = Writer::create(dir.path(), 8).expect("create");
        rows().iter().for_each(|r| w.row(r).expect("row"));
        let path = w.finish().expect("finish");
        let bytes = std::fs::read(&path).expect("read");
        std::fs::write(&path, &bytes[..bytes.len() - 3]).expect("truncate");
        assert!(Reader::open(&path).expect("open").next(10).is_err());
    }
}
