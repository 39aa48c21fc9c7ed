//! `chuda-bench`: throughput figures for the README (not a test).
//!
//! `chuda-bench campaign --sim URL [--recipients N] [--concurrency N] [--receipts]`: see
//! `campaign.rs` and `receipts.rs`.
//!
//! `chuda-bench chuanglan --sim http://127.0.0.1:PORT` measures, against a running
//! `chuda simulate-253`, (a) the simulator's raw capacity with a load generator posting one
//! identical 1000-phone request body, and (b) chuda's Chuanglan client building and sending
//! equivalent 1000-phone batches from this one process, then prints both and their ratio.

mod campaign;
mod receipts;

use engine::provider::chuanglan::Client;
use engine::provider::{Batch, Content, OutMessage};
use engine::settings::chuanglan::{Config, Credentials, Options};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    sim: String,
    seconds: u64,
    concurrency: usize,
}

fn parse_args() -> Result<Args, String> {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if !matches!(argv.first().map(String::as_str), Some("chuanglan" | "campaign")) {
        return Err("usage: chuda-bench chuanglan|campaign --sim URL [--seconds N] [--concurrency N]".into());
    }
    let value = |flag: &str| argv.iter().position(|a| a == flag).and_then(|i| argv.get(i + 1)).cloned();
    Ok(Args {
        sim: value("--sim").ok_or("--sim URL is required")?,
        seconds: value("--seconds").and_then(|v| v.parse().ok()).unwrap_or(5),
        concurrency: value("--concurrency").and_then(|v| v.parse().ok()).unwrap_or(4),
    })
}

fn phones() -> Vec<String> {
    (0..1000).map(|i| format!("138{i:08}")).collect()
}

fn creds(sim: &str) -> Credentials {
    let host = sim.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let config = Config {
        signature: "示例商城".into(),
        account: "N1234567".into(),
        host,
        plain_http: true,
        options: Options::default(),
    };
    Credentials { config, password: "sim-password".into() }
}

const TEXT: &str = "会员日满100减20，详见 https://e.example.cn/a?b=1 拒收请回复R";

/// Runs `concurrency` loops of `op` for `seconds`; returns accepted requests per second.
async fn measure<F, Fut>(seconds: u64, concurrency: usize, op: F) -> f64
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let op = Arc::new(op);
    let ok = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, ok) = (op.clone(), ok.clone());
            tokio::spawn(async move {
                while Instant::now() < deadline {
                    if op().await {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    ok.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64()
}

async fn raw_capacity(args: &Args) -> f64 {
    let c = creds(&args.sim);
    let msg = engine::provider::chuanglan::send::form_encode(&engine::sms::with_signature("示例商城", TEXT));
    let body = serde_json::json!({
        "account": c.config.account, "password": c.password, "msg": msg,
        "phone": phones().join(","), "report": "true", "uid": "bench",
    })
    .to_string();
    let body = axum::body::Bytes::from(body);
    let url = format!("{}/msg/v1/send/json", args.sim.trim_end_matches('/'));
    let http = reqwest::Client::new();
    measure(args.seconds, args.concurrency, move || {
        let (http, url, body) = (http.clone(), url.clone(), body.clone());
        async move {
            match http.post(&url).header("Content-Type", "application/json").body(body).send().await {
                Ok(r) => r.bytes().await.is_ok_and(|b| b.windows(10).any(|w| w == br#""code":"0""#)),
                Err(_) => false,
            }
        }
    })
    .await
}

async fn client_throughput(args: &Args) -> f64 {
    let c = Arc::new(creds(&args.sim));
    let client = Client::default();
    let batch = Arc::new(Batch {
        signature: "示例商城".into(),
        content: Content::Text(TEXT.into()),
        messages: phones().into_iter().map(|phone| OutMessage { phone, values: vec![] }).collect(),
        uid: Some("bench".into()),
    });
    measure(args.seconds, args.concurrency, move || {
        let (client, c, batch) = (client.clone(), c.clone(), batch.clone());
        async move { client.submit(&c, &batch).await.is_ok() }
    })
    .await
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    if argv.get(1).map(String::as_str) == Some("campaign") {
        let value = |flag: &str| argv.iter().position(|a| a == flag).and_then(|i| argv.get(i + 1)).cloned();
        let Some(sim) = value("--sim") else {
            eprintln!("usage: chuda-bench campaign --sim URL [--recipients N] [--concurrency N] [--receipts]");
            return std::process::ExitCode::from(2);
        };
        let recipients = value("--recipients").and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
        let concurrency = value("--concurrency").and_then(|v| v.parse().ok()).unwrap_or(4);
        let receipts = argv.iter().any(|a| a == "--receipts");
        return match campaign::run(&sim, recipients, concurrency, receipts).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("chuda-bench: {e:#}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::from(2);
        }
    };
    let warm = Args { sim: args.sim.clone(), seconds: 1, concurrency: args.concurrency };
    let _ = raw_capacity(&warm).await;
    let raw = raw_capacity(&args).await;
    let client = client_throughput(&args).await;
    println!("chuanglan bench: {} s each, concurrency {}, 1000 phones per request", args.seconds, args.concurrency);
    println!("(a) simulator raw capacity : {:>8.1} req/s = {:>10.0} msg/s", raw, raw * 1000.0);
    println!("(b) chuda client throughput: {:>8.1} req/s = {:>10.0} msg/s", client, client * 1000.0);
    println!("ratio (b)/(a)              : {:>8.3}", client / raw.max(f64::MIN_POSITIVE));
    std::process::ExitCode::SUCCESS
}
