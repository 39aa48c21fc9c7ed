//! `chuda simulate-253`: the Chuanglan simulator as a standalone server.

use simulator::chuanglan::{SimConfig, Simulator};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Address to listen on (loopback only is recommended).
    #[arg(long, default_value = "127.0.0.1:9253")]
    listen: String,
    /// TOML file with simulator settings (account, password, templates, faults…).
    #[arg(long)]
    config: Option<PathBuf>,
    /// API account to accept.
    #[arg(long)]
    account: Option<String>,
    /// API password to accept.
    #[arg(long)]
    password: Option<String>,
    /// Starting balance (messages).
    #[arg(long)]
    balance: Option<i64>,
    /// Milliseconds added to every answer.
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Share of delivery reports that are DELIVRD (0.0–1.0).
    #[arg(long)]
    delivered_ratio: Option<f64>,
    /// Push delivery reports to this URL instead of queueing them for pull.
    #[arg(long)]
    push_url: Option<String>,
    /// Do not keep per-message records (for long load tests).
    #[arg(long)]
    no_records: bool,
    /// Do not generate delivery reports.
    #[arg(long)]
    no_reports: bool,
}

fn load(args: &Args) -> Result<SimConfig, String> {
    let mut cfg = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml_config(&text)?
        }
        None => SimConfig::default(),
    };
    if let Some(v) = &args.account {
        cfg.account = v.clone();
    }
    if let Some(v) = &args.password {
        cfg.password = v.clone();
    }
    if let Some(v) = args.balance {
        cfg.balance = v;
    }
    if let Some(v) = args.latency_ms {
        cfg.latency_ms = v;
    }
    if let Some(v) = args.delivered_ratio {
        cfg.delivered_ratio = v;
    }
    if args.push_url.is_some() {
        cfg.push_url = args.push_url.clone();
    }
    cfg.keep_records = !args.no_records;
    cfg.reports = !args.no_reports;
    Ok(cfg)
}

fn toml_config(text: &str) -> Result<SimConfig, String> {
    use figment::providers::{Format, Serialized, Toml};
    figment::Figment::from(Serialized::defaults(SimConfig::default()))
        .merge(Toml::string(text))
        .extract()
        .map_err(|e| format!("invalid simulator config: {e}"))
}

/// Options of `chuda simulate-aliyun`.
#[derive(clap::Args, Debug)]
pub struct AliyunArgs {
    /// Address to listen on (loopback only is recommended).
    #[arg(long, default_value = "127.0.0.1:9017")]
    listen: String,
    /// AccessKeyId to accept.
    #[arg(long, default_value = "LTAIExampleKeyId")]
    access_key_id: String,
    /// AccessKeySecret that signatures are verified with.
    #[arg(long, default_value = "ExampleSecretDoNotUse")]
    access_key_secret: String,
    /// Milliseconds added to every answer.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of messages that end DELIVERED (0.0–1.0).
    #[arg(long, default_value_t = 1.0)]
    delivered_ratio: f64,
}

pub fn run_aliyun(args: &AliyunArgs) -> ExitCode {
    use simulator::aliyun::{AliSimConfig, AliyunSimulator};
    let Ok(addr) = args.listen.parse::<std::net::SocketAddr>() else {
        eprintln!("chuda: --listen {:?} is not an address like 127.0.0.1:9017", args.listen);
        return ExitCode::from(2);
    };
    let cfg = AliSimConfig {
        access_key_id: args.access_key_id.clone(),
        access_key_secret: args.access_key_secret.clone(),
        latency_ms: args.latency_ms,
        delivered_ratio: args.delivered_ratio,
        ..AliSimConfig::default()
    };
    let Ok(runtime) = tokio::runtime::Runtime::new() else {
        eprintln!("chuda: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async move {
        match AliyunSimulator::start(addr, cfg).await {
            Ok(sim) => {
                println!("阿里云 simulator listening on {}; 接口地址: {}", sim.addr, sim.url());
                let _ = tokio::signal::ctrl_c().await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("chuda: cannot listen on {addr}: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

pub fn run(args: &Args) -> ExitCode {
    let cfg = match load(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("chuda: {e}");
            return ExitCode::from(2);
        }
    };
    let Ok(addr) = args.listen.parse() else {
        eprintln!("chuda: --listen {:?} is not an address like 127.0.0.1:9253", args.listen);
        return ExitCode::from(2);
    };
    let Ok(runtime) = tokio::runtime::Runtime::new() else {
        eprintln!("chuda: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async move {
        match Simulator::start(addr, cfg.clone()).await {
            Ok(sim) => {
                println!("创蓝 simulator listening on {} (account {}); 接口: {}", sim.addr, cfg.account, sim.url());
                let _ = tokio::signal::ctrl_c().await;
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("chuda: cannot listen on {addr}: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
