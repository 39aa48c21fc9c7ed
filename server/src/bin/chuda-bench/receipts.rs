//! `chuda-bench campaign … --receipts`: after the campaign, starts the real server on the same
//! database and pushes one 创蓝 status report per message to its callback route (GET §8.1,
//! 32 connections, like the simulator's pusher), then prints reports applied per second and
//! the per-report latency from the push until the ledger has it (the handler answers only after
//! the group commit), and checks the campaign statistics count every report once.

use engine::ledger::query::{page, Filter};
use engine::Db;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PUSHERS: usize = 32;

pub async fn run(dir: &Path, db: &Db, campaign: i64) -> anyhow::Result<()> {
    let mut settings = server::config::Settings::default();
    settings.server.listen = "127.0.0.1:0".into();
    settings.storage.data_dir = dir.to_path_buf();
    settings.auth.admin_password = "bench-admin-password".into();
    settings.sending.pull_receipts_secs = 0;
    let app = server::Application::build(&settings).await?;
    // Let the background segment prewarm that follows startup finish first.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let token = engine::settings::callback_token(db).await?;
    let url = format!("{}/hooks/chuanglan/{token}/report", app.url());

    let mut reports = Vec::new();
    let mut filter = Filter { campaign: Some(campaign), limit: 10_000, ..Default::default() };
    loop {
        let rows = page(db, &filter, 86_400).await?;
        let Some(last) = rows.last().map(|r| r.id) else { break };
        reports.extend(rows.into_iter().filter_map(|r| Some((r.msg_id?, r.phone))));
        filter.before = Some(last);
    }
    let total = reports.len();
    let reports = Arc::new(reports);
    let next = Arc::new(AtomicUsize::new(0));
    let http = reqwest::Client::new();
    let started = Instant::now();
    let tasks: Vec<_> = (0..PUSHERS)
        .map(|_| {
            let (reports, next, http, url) = (reports.clone(), next.clone(), http.clone(), url.clone());
            tokio::spawn(async move {
                let mut lat = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((msg_id, phone)) = reports.get(i) else { return lat };
                    let t = Instant::now();
                    let q = [
                        ("msgid", msg_id.as_str()),
                        ("mobile", phone.as_str()),
                        ("status", "DELIVRD"),
                        ("statusDesc", "短信发送成功"),
                        ("reportTime", "2611251200"),
                        ("notifyTime", "261125120000"),
                    ];
                    let ok = http.get(&url).query(&q).send().await.is_ok_and(|r| r.status().is_success());
                    if ok {
                        lat.push(t.elapsed());
                    }
                }
            })
        })
        .collect();
    let mut lat = Vec::with_capacity(total);
    for t in tasks {
        lat.extend(t.await?);
    }
    let secs = started.elapsed().as_secs_f64();
    lat.sort();
    let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).copied();
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    println!(
        "receipts: {} of {total} pushed reports applied in {secs:.1} s = {:.0} reports/s ({PUSHERS} connections)",
        lat.len(),
        lat.len() as f64 / secs
    );
    println!(
        "push → ledger latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(pct(0.5)),
        ms(pct(0.99)),
        ms(lat.last().copied())
    );
    let stats = engine::ledger::stats::campaign(db, campaign, 86_400).await?;
    println!(
        "campaign statistics after the pushes: delivered {}, failed {}, pending {}",
        stats.delivered, stats.failed, stats.pending
    );
    Ok(())
}
