//! Streaming readers for imports: CSV (UTF-8, UTF-8 with BOM, or GBK as Excel writes it) and
//! NDJSON. They run on a blocking thread and send rows over a bounded channel, so a 200 MB
//! file is never held in memory. Column 0 of `columns` is always the user id.

use encoding_rs_io::DecodeReaderBytesBuilder;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read};
use tokio::sync::mpsc::Sender;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Ndjson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    Auto,
    Utf8,
    Gbk,
}

pub const ID_COLUMN: &str = "user_id";

/// One data row: its line number and (column index, raw text) for non-empty cells.
#[derive(Debug)]
pub struct RawRow {
    pub line: u64,
    pub id: String,
    pub cells: Vec<(usize, String)>,
}

#[derive(Debug)]
pub enum Msg {
    /// The full column list (sent first, and again when NDJSON reveals a new key).
    Columns(Vec<String>),
    Encoding(&'static str),
    Row(RawRow),
    /// Consecutive rows, sent together ([`ROWS_PER_MSG`]) so the reader thread is not woken
    /// once per row.
    Rows(Vec<RawRow>),
    Bad {
        line: u64,
        reason: String,
    },
    /// The file cannot be read any further: the import is rolled back.
    Fatal(String),
}

/// Rows per [`Msg::Rows`].
pub const ROWS_PER_MSG: usize = 256;

/// The reader's side of the channel: rows are gathered into [`Msg::Rows`]; any other message
/// first sends the rows before it, so the order is kept.
struct Out {
    tx: Sender<Msg>,
    rows: std::cell::RefCell<Vec<RawRow>>,
}

impl Out {
    fn blocking_send(&self, msg: Msg) -> Result<(), ()> {
        match msg {
            Msg::Row(row) => {
                let full = {
                    let mut rows = self.rows.borrow_mut();
                    rows.push(row);
                    rows.len() >= ROWS_PER_MSG
                };
                if full {
                    self.flush()?;
                }
                Ok(())
            }
            other => {
                self.flush()?;
                self.tx.blocking_send(other).map_err(|_| ())
            }
        }
    }

    fn flush(&self) -> Result<(), ()> {
        let rows = std::mem::replace(&mut *self.rows.borrow_mut(), Vec::with_capacity(ROWS_PER_MSG));
        if rows.is_empty() {
            return Ok(());
        }
        self.tx.blocking_send(Msg::Rows(rows)).map_err(|_| ())
    }
}

/// Reads everything from `input`, sending messages until done or the receiver goes away.
pub fn run(input: Box<dyn Read + Send>, format: Format, encoding: Encoding, tx: Sender<Msg>) {
    let tx = Out { tx, rows: std::cell::RefCell::new(Vec::with_capacity(ROWS_PER_MSG)) };
    read_all(input, format, encoding, &tx);
    // A receiver that went away has stopped the import already.
    let _ = tx.flush();
}

fn read_all(input: Box<dyn Read + Send>, format: Format, encoding: Encoding, tx: &Out) {
    let mut buffered = BufReader::with_capacity(1 << 16, input);
    let (label, utf8) = match detect(&mut buffered, encoding) {
        Ok(v) => v,
        Err(e) => {
            let _ = tx.blocking_send(Msg::Fatal(e));
            return;
        }
    };
    let _ = tx.blocking_send(Msg::Encoding(label));
    let reader: Box<dyn Read + Send> = if utf8 {
        Box::new(buffered)
    } else {
        Box::new(DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::GBK)).build(buffered))
    };
    let reader: Box<dyn Read + Send> = Box::new(LineGuard { inner: reader, since_newline: 0 });
    match format {
        Format::Csv => csv_rows(reader, tx),
        Format::Ndjson => ndjson_rows(reader, tx),
    }
}

/// Longest physical line accepted (bytes): a file without line breaks would otherwise be
/// buffered whole by the record reader.
pub const MAX_LINE: usize = 1024 * 1024;

/// Fails the read once a line grows past [`MAX_LINE`].
struct LineGuard {
    inner: Box<dyn Read + Send>,
    since_newline: usize,
}

impl Read for LineGuard {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            self.since_newline = if b == b'\n' { 0 } else { self.since_newline + 1 };
            if self.since_newline > MAX_LINE {
                return Err(std::io::Error::other("有一行超过 1 MB，文件可能不是逐行的 CSV/NDJSON"));
            }
        }
        Ok(n)
    }
}

/// Picks the encoding: a UTF-8 BOM or valid UTF-8 in the first 64 KiB means UTF-8, else GBK.
fn detect(r: &mut BufReader<Box<dyn Read + Send>>, choice: Encoding) -> Result<(&'static str, bool), String> {
    let head = r.fill_buf().map_err(|e| format!("无法读取文件：{e}"))?;
    if head.is_empty() {
        return Err("文件是空的".into());
    }
    let bom = head.starts_with(&[0xEF, 0xBB, 0xBF]);
    if bom {
        r.consume(3);
    }
    Ok(match choice {
        Encoding::Utf8 => ("UTF-8", true),
        Encoding::Gbk => ("GBK", false),
        Encoding::Auto if bom => ("UTF-8 (BOM)", true),
        Encoding::Auto => {
            let head = r.fill_buf().map_err(|e| format!("无法读取文件：{e}"))?;
            match std::str::from_utf8(head) {
                Ok(_) => ("UTF-8", true),
                Err(e) if e.error_len().is_none() => ("UTF-8", true),
                Err(_) => ("GBK", false),
            }
        }
    })
}

fn csv_rows(reader: Box<dyn Read + Send>, tx: &Out) {
    let mut csv = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let columns = match csv.read_byte_record(&mut record) {
        Ok(true) => match header(&record) {
            Ok(c) => c,
            Err(e) => return fatal(tx, e),
        },
        Ok(false) => return fatal(tx, "文件是空的".into()),
        Err(e) => return fatal(tx, format!("无法解析表头：{e}")),
    };
    let width = columns.len();
    if tx.blocking_send(Msg::Columns(columns)).is_err() {
        return;
    }
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if let Err(e) = send_csv_row(tx, line, &record, width) {
                    return fatal(tx, e);
                }
            }
            Err(e) => return fatal(tx, format!("CSV 格式错误：{e}")),
        }
    }
}

fn header(record: &csv::ByteRecord) -> Result<Vec<String>, String> {
    let names: Vec<String> = record
        .iter()
        .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_owned()))
        .collect::<Result<_, _>>()
        .map_err(|_| "表头不是有效的 UTF-8：如果文件来自 Excel，请选择 GBK 编码".to_owned())?;
    if names.first().map(String::as_str) != Some(ID_COLUMN) {
        return Err(format!(
            "第一列必须是 {ID_COLUMN}（用户ID），实际是“{}”",
            names.first().cloned().unwrap_or_default()
        ));
    }
    if let Some(dup) = names.iter().enumerate().find(|(i, n)| names[..*i].contains(n)).map(|(_, n)| n) {
        return Err(format!("表头中“{dup}”重复"));
    }
    if names.iter().any(String::is_empty) {
        return Err("表头中有空的列名".into());
    }
    Ok(names)
}

fn send_csv_row(tx: &Out, line: u64, record: &csv::ByteRecord, width: usize) -> Result<(), String> {
    fn text(f: &[u8], line: u64) -> Result<&str, String> {
        std::str::from_utf8(f)
            .map(str::trim)
            .map_err(|_| format!("第 {line} 行不是有效的 UTF-8：请选择 GBK 编码或将文件另存为 UTF-8"))
    }
    if record.len() != width {
        let reason = format!("有 {} 列，表头有 {width} 列", record.len());
        let _ = tx.blocking_send(Msg::Bad { line, reason });
        return Ok(());
    }
    let id = text(&record[0], line)?.to_owned();
    let mut cells = Vec::with_capacity(width - 1);
    for (i, field) in record.iter().enumerate().skip(1) {
        let v = text(field, line)?;
        if !v.is_empty() {
            cells.push((i, v.to_owned()));
        }
    }
    let _ = tx.blocking_send(Msg::Row(RawRow { line, id, cells }));
    Ok(())
}

fn ndjson_rows(reader: Box<dyn Read + Send>, tx: &Out) {
    let mut columns = vec![ID_COLUMN.to_owned()];
    let _ = tx.blocking_send(Msg::Columns(columns.clone()));
    for (i, line) in BufReader::new(reader).lines().enumerate() {
        let line_no = i as u64 + 1;
        let text = match line {
            Ok(t) => t,
            Err(_) => {
                return fatal(tx, format!("第 {line_no} 行不是有效的 UTF-8：请选择 GBK 编码或将文件另存为 UTF-8"))
            }
        };
        if text.trim().is_empty() {
            continue;
        }
        let msg = match ndjson_row(line_no, &text, &mut columns) {
            Ok((row, grew)) => {
                if grew && tx.blocking_send(Msg::Columns(columns.clone())).is_err() {
                    return;
                }
                Msg::Row(row)
            }
            Err(reason) => Msg::Bad { line: line_no, reason },
        };
        if tx.blocking_send(msg).is_err() {
            return;
        }
    }
}

fn ndjson_row(line: u64, text: &str, columns: &mut Vec<String>) -> Result<(RawRow, bool), String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("不是有效的 JSON：{e}"))?;
    let obj = value.as_object().ok_or("每行应是一个 JSON 对象")?;
    let id = obj.get(ID_COLUMN).and_then(scalar).ok_or(format!("缺少 {ID_COLUMN}"))?;
    let mut grew = false;
    let mut cells = Vec::with_capacity(obj.len());
    for (k, v) in obj.iter().filter(|(k, _)| k.as_str() != ID_COLUMN) {
        let Some(raw) = scalar(v) else { continue };
        let idx = match columns.iter().position(|c| c == k) {
            Some(i) => i,
            None => {
                columns.push(k.clone());
                grew = true;
                columns.len() - 1
            }
        };
        cells.push((idx, raw));
    }
    Ok((RawRow { line, id, cells }, grew))
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn fatal(tx: &Out, e: String) {
    let _ = tx.blocking_send(Msg::Fatal(e));
}
