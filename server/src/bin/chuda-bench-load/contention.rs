//! `chuda-bench-load contention`: does a slow, large user import block the other writers?
//!
//! Starts the real server (temporary data directory, the built-in 沙箱 with 20 ms latency),
//! seeds `--campaign-users` users and starts a marketing campaign over them, measures the
//! sender's rate alone, then uploads a generated `--rows`-row CSV over a raw HTTP connection
//! throttled to `--mbps` MB/s while the campaign keeps sending, a client logs in every second
//! and a vendor pushes delivery reports every 50 ms. Prints failed logins and callbacks, their
//! latencies, the sender's rate during the import against its rate alone, and the longest
//! write-lock hold of the import's transactions.

use super::console::{everyone, login, seed, start_server, Session};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Mutex;

struct Args {
    rows: u64,
    mbps: f64,
    campaign_users: u64,
    rate: f64,
}

fn args() -> Args {
    let value = super::flag;
    Args {
        rows: value("--rows").and_then(|v| v.parse().ok()).unwrap_or(1_000_000),
        mbps: value("--mbps").and_then(|v| v.parse().ok()).unwrap_or(4.0),
        campaign_users: value("--campaign-users").and_then(|v| v.parse().ok()).unwrap_or(400_000),
        rate: value("--rate").and_then(|v| v.parse().ok()).unwrap_or(4_000.0),
    }
}

/// Latencies of one kind of request and how many failed.
#[derive(Default)]
struct Calls {
    ok: Vec<Duration>,
    failed: u64,
}

impl Calls {
    fn record(&mut self, ok: bool, took: Duration) {
        if ok {
            self.ok.push(took);
        } else {
            self.failed += 1;
        }
    }

    fn line(&mut self, what: &str) -> String {
        self.ok.sort();
        let at = |q: f64| self.ok.get(((self.ok.len() as f64 - 1.0) * q) as usize).copied().unwrap_or_default();
        format!(
            "{what}: {} ok, {} failed; latency p50 {:?}, p99 {:?}, max {:?}",
            self.ok.len(),
            self.failed,
            at(0.5),
            at(0.99),
            self.ok.last().copied().unwrap_or_default()
        )
    }
}

pub async fn run() -> anyhow::Result<()> {
    let a = args();
    let (app, dir) = start_server(|s| {
        s.sending.rate_per_sec = a.rate;
        s.sending.pull_receipts_secs = 0;
    })
    .await?;
    app.sandbox.configure(|c| {
        c.latency_ms = 20;
        c.reports = false;
    });
    let base = app.url();
    println!("seeding {} users for the campaign …", a.campaign_users);
    seed(&app, a.campaign_users).await?;
    let session = Session::new(&app).await?;
    let cookie = session.cookie.clone();
    let campaign = start_campaign(&session).await?;
    let db = app.state.db.clone();
    let submitted = move || {
        let db = db.clone();
        async move { engine::campaigns::progress(&db, campaign).await.map(|p| p.submitted as i64).unwrap_or(0) }
    };
    wait_until(|| async { submitted().await > 0 }).await;
    let (b0, t0) = (submitted().await, Instant::now());
    tokio::time::sleep(Duration::from_secs(10)).await;
    let alone = (submitted().await - b0) as f64 / t0.elapsed().as_secs_f64();
    println!("sender alone: {alone:.0} msg/s");

    let logins = Arc::new(Mutex::new(Calls::default()));
    let callbacks = Arc::new(Mutex::new(Calls::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let login_task = tokio::spawn(login_every_second(base.clone(), logins.clone(), stop.clone()));
    let token = engine::settings::callback_token(&app.state.db).await?;
    let hook = format!("{base}/hooks/chuanglan/{token}/report");
    let push_task = tokio::spawn(push_reports(hook, callbacks.clone(), stop.clone()));
    let (b1, t1) = (submitted().await, Instant::now());
    let upload = upload(app.addr, &cookie, a.rows, a.mbps).await?;
    let during = (submitted().await - b1) as f64 / t1.elapsed().as_secs_f64();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = tokio::join!(login_task, push_task);
    let left = engine::campaigns::progress(&app.state.db, campaign).await?;
    let remaining = left.queued + left.sending;
    println!(
        "import: {} rows, {:.1} MB at {} MB/s: upload {:.1} s, answered after {:.1} s, HTTP {}",
        a.rows,
        upload.mb,
        a.mbps,
        upload.sent.as_secs_f64(),
        upload.answered.as_secs_f64(),
        upload.status
    );
    println!("{}", logins.lock().await.line("logins (one per second)"));
    println!("{}", callbacks.lock().await.line("report callbacks (one per 50 ms)"));
    println!(
        "sender: {alone:.0} msg/s alone, {during:.0} msg/s during the import ({:+.1} %); campaign still sending: {}",
        (during / alone - 1.0) * 100.0,
        remaining > 0
    );
    println!("longest bulk write transaction: {:?}", engine::db::longest_bulk_tx());
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

async fn wait_until<F, Fut>(f: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    while !f().await {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn start_campaign(s: &Session) -> anyhow::Result<i64> {
    use serde_json::json;
    s.call("settings/chuanglan/sandbox", json!({"on": true})).await?;
    let mut policy = s.call("compliance/policy", json!({})).await?;
    policy["window_start"] = json!("00:00");
    policy["window_end"] = json!("24:00");
    s.call("compliance/policy/save", json!({"form": policy})).await?;
    let seg = everyone(s).await?;
    let form = json!({
        "name": "压测", "segment_id": seg, "vendor": "chuanglan", "signature": "示例商城", "mode": "text",
        "content": "{$var}您好，会员日满100减20，拒收请回复R", "template_id": "", "template_params": "",
        "bindings": [{"attribute": "name", "fallback": "会员", "skip": false}], "schedule": ""
    });
    let started = Instant::now();
    let id = s.call("campaigns/create", json!({"form": form, "start_now": true, "key": "bench"})).await?;
    println!("campaign started (snapshot) in {:.1} s", started.elapsed().as_secs_f64());
    id.as_i64().ok_or_else(|| anyhow::anyhow!("no campaign id: {id}"))
}

async fn login_every_second(base: String, calls: Arc<Mutex<Calls>>, stop: Arc<std::sync::atomic::AtomicBool>) {
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let next = Instant::now() + Duration::from_secs(1);
        let http = reqwest::Client::new();
        let started = Instant::now();
        let ok = matches!(login(&http, &base).await, Ok(Some(_)));
        calls.lock().await.record(ok, started.elapsed());
        tokio::time::sleep_until(next.into()).await;
    }
}

async fn push_reports(hook: String, calls: Arc<Mutex<Calls>>, stop: Arc<std::sync::atomic::AtomicBool>) {
    let http = reqwest::Client::new();
    let mut n = 0u64;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        n += 1;
        let (msgid, phone) = (format!("bench{n:012}"), format!("138{:08}", n % 100_000_000));
        let q = [
            ("msgid", msgid.as_str()),
            ("mobile", phone.as_str()),
            ("status", "DELIVRD"),
            ("reportTime", "2612031200"),
        ];
        let started = Instant::now();
        let ok = matches!(http.get(&hook).query(&q).send().await, Ok(r) if r.status().is_success());
        calls.lock().await.record(ok, started.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

struct Upload {
    mb: f64,
    sent: Duration,
    answered: Duration,
    status: String,
}

/// Posts a generated CSV as a multipart upload over a raw connection, `mbps` MB per second,
/// and reads the answer until the server closes the connection.
async fn upload(addr: std::net::SocketAddr, cookie: &str, rows: u64, mbps: f64) -> anyhow::Result<Upload> {
    let mut conn = tokio::net::TcpStream::connect(addr).await?;
    let boundary = "chudaBenchBoundary7d3f";
    let head = format!(
        "POST /api/users/import HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Connection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).await?;
    let started = Instant::now();
    let mut sent = 0usize;
    let mut chunk = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n\
         user_id,phone,city,level,points\n"
    );
    let per_chunk = 64 * 1024;
    for i in 0..rows {
        chunk.push_str(&format!("b{i},137{:08},城市{},L{},{}\n", i % 100_000_000, i % 50, i % 5, i % 10_000));
        if chunk.len() >= per_chunk || i + 1 == rows {
            if i + 1 == rows {
                chunk.push_str(&format!("\r\n--{boundary}--\r\n"));
            }
            conn.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await?;
            conn.write_all(chunk.as_bytes()).await?;
            conn.write_all(b"\r\n").await?;
            sent += chunk.len();
            chunk.clear();
            let due = Duration::from_secs_f64(sent as f64 / (mbps * 1_000_000.0));
            if let Some(wait) = due.checked_sub(started.elapsed()) {
                tokio::time::sleep(wait).await;
            }
        }
    }
    conn.write_all(b"0\r\n\r\n").await?;
    let sent_after = started.elapsed();
    let mut answer = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").chars().take(300).collect::<String>();
    let status = format!("{} {body}", text.lines().next().unwrap_or(""));
    Ok(Upload { mb: sent as f64 / 1e6, sent: sent_after, answered: started.elapsed(), status })
}
