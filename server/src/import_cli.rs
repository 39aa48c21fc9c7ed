//! `chuda import users FILE`: the same import the 用户 page runs, from the command line, for
//! files too large to upload through a browser or for scheduled loads.

use crate::config::Settings;
use engine::users::import::{self, Encoding, ImportOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// What to import (only `users` for now).
    #[arg(value_parser = ["users"])]
    pub what: String,
    /// CSV (first column user_id) or NDJSON (.ndjson/.jsonl/.json) file.
    pub file: PathBuf,
    /// Text encoding: auto, utf8 or gbk.
    #[arg(long, default_value = "auto", value_parser = ["auto", "utf8", "gbk"])]
    pub encoding: String,
    /// Types for new attributes, e.g. `--types "points=number, signup=date"` (else inferred).
    #[arg(long, default_value = "")]
    pub types: String,
}

pub fn run(settings: &Settings, args: &Args) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("chuda: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(import_file(settings, args)) {
        Ok(s) => {
            println!(
                "导入完成：共 {} 行，成功 {}，跳过 {}，新用户 {}，更新 {}（编码 {}，导入记录 #{}；读取校验 {:.1} 秒，写入 {:.1} 秒）",
                s.rows_total,
                s.rows_ok,
                s.rows_bad,
                s.users_new,
                s.users_updated,
                s.encoding,
                s.import_id,
                s.read_ms as f64 / 1000.0,
                s.write_ms as f64 / 1000.0
            );
            for b in s.bad_rows.iter().take(20) {
                println!("  第 {} 行：{}", b.line, b.reason);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("chuda: 导入失败，未写入任何数据：{e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn import_file(settings: &Settings, args: &Args) -> anyhow::Result<import::ImportSummary> {
    std::fs::create_dir_all(&settings.storage.data_dir)?;
    let db = engine::db::open(&settings.database_path()).await?;
    let file = std::fs::File::open(&args.file).map_err(|e| anyhow::anyhow!("无法打开 {}：{e}", args.file.display()))?;
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let encoding = match args.encoding.as_str() {
        "gbk" => Encoding::Gbk,
        "utf8" => Encoding::Utf8,
        _ => Encoding::Auto,
    };
    let types = engine::users::values::parse_type_overrides(&args.types).map_err(anyhow::Error::msg)?;
    let opts =
        ImportOptions { format: import::format_for(&file_name), encoding, types, file_name, actor: "cli".into() };
    let reader = Box::new(std::io::BufReader::with_capacity(1 << 20, file));
    Ok(import::run(&db, reader, opts).await?)
}
