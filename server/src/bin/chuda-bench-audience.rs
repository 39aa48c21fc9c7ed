//! `chuda-bench-audience`: figures for users and segments (not a test).
//!
//! Generates a deterministic CSV (`--users N`, 10 attributes, fixed seed), imports it through
//! the same engine path as the 用户 page, then times a 3-condition segment count cold (columns
//! loaded from SQLite) and warm (median of 20), the first members page, and reports peak RSS.
//! Usage: chuda-bench-audience [--users 1000000] [--dir /tmp/chuda-bench]

use engine::segments::{self, Condition, Index, Op, Rule, SegmentInput};
use engine::users::import::{self, Encoding, Format, ImportOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const CITIES: [&str; 20] = [
    "上海", "北京", "广州", "深圳", "杭州", "成都", "重庆", "武汉", "南京", "西安", "苏州", "天津", "长沙", "郑州",
    "青岛", "宁波", "厦门", "福州", "合肥", "济南",
];
const CHANNELS: [&str; 8] = ["app", "mini", "web", "store", "ads", "partner", "wechat", "douyin"];

/// xorshift64*: a fixed seed gives the same file on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn date(days_since_2020: u64) -> String {
    let d = time::Date::from_calendar_date(2020, time::Month::January, 1).unwrap_or(time::Date::MIN)
        + time::Duration::days(days_since_2020 as i64);
    format!("{}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn generate(path: &Path, users: u64) -> std::io::Result<u64> {
    let mut rng = Rng(0x5EED_C0DA_2026_1125);
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "user_id,phone,city,gender,age,points,vip,level,signup,last_order,channel")?;
    for i in 0..users {
        let phone = format!("1{}{:09}", 3 + rng.below(7), rng.below(1_000_000_000));
        writeln!(
            out,
            "u{i:08},{phone},{},{},{},{},{},L{},{},{},{}",
            CITIES[rng.below(20) as usize],
            if rng.below(2) == 0 { "男" } else { "女" },
            18 + rng.below(53),
            rng.below(100_000),
            rng.below(4) == 0,
            1 + rng.below(5),
            date(rng.below(2190)),
            date(rng.below(2190)),
            CHANNELS[rng.below(8) as usize],
        )?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn cond(attribute: &str, op: Op, values: &[&str]) -> Rule {
    Rule::Cond(Condition { attribute: attribute.into(), op, values: values.iter().map(|v| (*v).to_owned()).collect() })
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb =
        status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let argv: Vec<String> = std::env::args().collect();
    let value = |flag: &str| argv.iter().position(|a| a == flag).and_then(|i| argv.get(i + 1)).cloned();
    let users: u64 = value("--users").and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = PathBuf::from(value("--dir").unwrap_or_else(|| "/tmp/chuda-bench-audience".into()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("users.csv");

    let t = Instant::now();
    let bytes = generate(&csv, users)?;
    println!(
        "generated {users} users × 10 attributes: {:.1} MB in {:.1} s",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );

    let db = engine::db::open(&dir.join("chuda.db")).await?;
    let opts = ImportOptions {
        format: Format::Csv,
        encoding: Encoding::Auto,
        types: Default::default(),
        file_name: "users.csv".into(),
        actor: "bench".into(),
    };
    let t = Instant::now();
    let reader = Box::new(std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&csv)?));
    let summary = import::run(&db, reader, opts).await?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "import: {} rows ok, {} bad in {secs:.1} s = {:.0} rows/s (peak RSS so far {:.0} MiB)",
        summary.rows_ok,
        summary.rows_bad,
        summary.rows_ok as f64 / secs,
        peak_rss_mib()
    );

    let index = Index::default();
    let rule = Rule::All {
        rules: vec![
            cond("city", Op::In, &["上海", "北京", "杭州"]),
            cond("age", Op::Between, &["25", "35"]),
            cond("vip", Op::Eq, &["true"]),
        ],
    };
    let t = Instant::now();
    let count = segments::count(&index, &db, &rule).await?;
    println!(
        "3-condition count, cold (loads 3 columns): {:.0} ms → {} members, {} with phone",
        ms(t.elapsed()),
        count.members,
        count.with_phone
    );
    let fresh = Index::default();
    let t = Instant::now();
    let n = fresh.prewarm(&db).await?;
    println!(
        "background prewarm after an import or restart ({n} attributes + universe): {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    segments::count(&fresh, &db, &rule).await?;
    println!("3-condition count, first after prewarm: {:.1} ms", ms(t.elapsed()));
    let mut warm = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        segments::count(&index, &db, &rule).await?;
        warm.push(ms(t.elapsed()));
    }
    warm.sort_by(f64::total_cmp);
    println!("3-condition count, warm: median {:.1} ms, max {:.1} ms (20 runs)", warm[10], warm[19]);

    let input = SegmentInput { name: "bench".into(), rule: Some(rule), ..Default::default() };
    let (seg, _) = segments::create(&index, &db, &input, "bench").await?;
    let mut pages = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        let (_, rows) = segments::members_page(&index, &db, &seg, 0, 50).await?;
        assert_eq!(rows.len(), 50);
        pages.push(ms(t.elapsed()));
    }
    pages.sort_by(f64::total_cmp);
    println!("members page 1 (50 rows, count included): median {:.1} ms, max {:.1} ms", pages[5], pages[9]);
    let t = Instant::now();
    segments::members_page(&index, &db, &seg, count.members.saturating_sub(50), 50).await?;
    println!("members last page: {:.1} ms", ms(t.elapsed()));
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
