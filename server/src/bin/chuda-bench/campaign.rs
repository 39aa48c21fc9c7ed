//! `chuda-bench campaign`: a whole campaign against a running `chuda simulate-253`. Imports
//! `--recipients` users into a temporary database, starts a plain-text campaign to all of them
//! through the real engine (snapshot, dispatcher, batches of 1000, recording every outcome),
//! and compares its dispatch rate with the simulator's raw capacity measured just before with
//! identical 1000-phone bodies. Prints wall times and this process's peak RSS.

use engine::campaigns::dispatch::{DispatchConfig, Dispatcher, Providers};
use engine::campaigns::{Campaign, CampaignInput, Status, Vendor};
use engine::provider::chuanglan::{Client, Provider};
use engine::provider::{Content, ProviderError, SmsProvider};
use engine::segments::{Index, Rule, SegmentInput};
use engine::users::import::{Encoding, Format, ImportOptions};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Sim(String);

#[async_trait::async_trait]
impl Providers for Sim {
    async fn provider(&self, _c: &Campaign) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        Ok(Arc::new(Provider { client: Client::default(), creds: super::creds(&self.0) }))
    }
}

/// User + system CPU seconds of this process so far.
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb =
        status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

pub async fn run(sim: &str, recipients: u64, concurrency: usize, receipts: bool) -> anyhow::Result<()> {
    let args = super::Args { sim: sim.to_owned(), seconds: 3, concurrency };
    let _ = super::raw_capacity(&super::Args {
        seconds: 1,
        ..super::Args { sim: sim.to_owned(), seconds: 1, concurrency }
    })
    .await;
    let raw = super::raw_capacity(&args).await * 1000.0;
    println!("simulator raw capacity (identical 1000-phone bodies, concurrency {concurrency}): {raw:.0} msg/s");

    let dir = std::env::temp_dir().join(format!("chuda-bench-campaign-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join("users.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&csv)?);
    writeln!(out, "user_id,phone")?;
    for i in 0..recipients {
        writeln!(out, "u{i},{}", 13_000_000_000u64 + i)?;
    }
    out.flush()?;
    drop(out);
    let db = engine::db::open(&dir.join("chuda.db")).await?;
    let t = Instant::now();
    let opts = ImportOptions {
        format: Format::Csv,
        encoding: Encoding::Auto,
        types: Default::default(),
        file_name: "users.csv".into(),
        actor: "bench".into(),
    };
    let reader = Box::new(std::io::BufReader::new(std::fs::File::open(&csv)?));
    engine::users::import::run(&db, reader, opts).await?;
    println!("imported {recipients} users in {:.1} s", t.elapsed().as_secs_f64());

    let index = Index::default();
    let everyone = SegmentInput { name: "all".into(), rule: Some(Rule::All { rules: vec![] }), ..Default::default() };
    let (seg, _) = engine::segments::create(&index, &db, &everyone, "bench").await?;
    let input = CampaignInput {
        name: "bench".into(),
        segment_id: seg.id,
        vendor: Vendor::Chuanglan,
        signature: "示例商城".into(),
        content: Content::Text(match bench_kind() {
            engine::compliance::MessageKind::Marketing => super::TEXT.into(),
            engine::compliance::MessageKind::Notification => super::TEXT.replace(" 拒收请回复R", ""),
        }),
        bindings: vec![],
        scheduled_at: None,
        kind: bench_kind(),
        window: Some(engine::compliance::Window::ALWAYS),
    };
    let c = engine::campaigns::create(&db, &input, false, "bench").await?;
    let t = Instant::now();
    let r = engine::campaigns::start(&index, &db, c.id, "bench").await?.unwrap_or_default();
    let snapshot = t.elapsed().as_secs_f64();
    println!("start: snapshot of {} recipients in {snapshot:.1} s", r.messages);

    let config = DispatchConfig { rate_per_sec: 1e9, concurrency, max_attempts: 3, backoff_ms: 1000 };
    let dispatcher = Dispatcher::new(db.clone(), Arc::new(Sim(sim.to_owned())), config);
    let t = Instant::now();
    let cpu0 = cpu_secs();
    dispatcher.spawn(c.id);
    loop {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let now = engine::campaigns::get(&db, c.id).await?.map(|c| c.status);
        if now != Some(Status::Sending) {
            break;
        }
    }
    let send = t.elapsed().as_secs_f64();
    let cpu = cpu_secs() - cpu0;
    let p = engine::campaigns::progress(&db, c.id).await?;
    let rate = p.submitted as f64 / send;
    println!(
        "dispatch: {} submitted, {} failed, {} unknown in {send:.1} s = {rate:.0} msg/s",
        p.submitted, p.failed, p.unknown
    );
    println!(
        "dispatch CPU of this process: {cpu:.2} s ({:.0} µs per 1000-phone request)",
        cpu * 1e6 / (recipients as f64 / 1000.0)
    );
    println!("ratio dispatch / raw capacity: {:.3}", rate / raw.max(f64::MIN_POSITIVE));
    println!("campaign wall time (start → completed): {:.1} s", snapshot + send);
    println!("peak RSS of this process (import, snapshot and dispatch): {:.0} MiB", peak_rss_mib());
    if receipts {
        super::receipts::run(&dir, &db, c.id).await?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// `CHUDA_BENCH_KIND=notification` sends without the compliance gate (the baseline the cap
/// and suppression checks of marketing sends are measured against).
fn bench_kind() -> engine::compliance::MessageKind {
    match std::env::var("CHUDA_BENCH_KIND").as_deref() {
        Ok("notification") => engine::compliance::MessageKind::Notification,
        _ => engine::compliance::MessageKind::Marketing,
    }
}
