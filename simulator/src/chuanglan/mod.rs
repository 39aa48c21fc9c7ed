//! A Chuanglan-compatible server (guidance of Chuanglan §14): plain, variable and template-id
//! sends, balance, pull of reports and replies, and delivery-report push. It checks
//! credentials, required fields, phone format, limits, variable counts and length in the
//! spec's order, answers with the spec's codes, returns unique msgIds, and keeps what it
//! received for assertions. Invariant: every accepted phone gets exactly one report.

mod check;
mod config;
mod handlers;
mod reports;
mod sandbox;

pub use config::{SimConfig, TemplateFixture, TemplateStatus};

use engine::provider::Report;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::task::JoinHandle;

/// One HTTP request the simulator received.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    pub path: String,
    pub content_type: String,
    pub body: serde_json::Value,
    /// The `code` it answered.
    pub code: String,
}

/// One accepted message, as a handset would receive it.
#[derive(Debug, Clone, Serialize)]
pub struct Accepted {
    pub msg_id: String,
    pub phone: String,
    pub text: String,
    pub uid: Option<String>,
    pub endpoint: String,
}

#[derive(Default)]
pub(crate) struct Counters {
    pub requests: u64,
    pub accepted_phones: u64,
}

pub(crate) struct State {
    pub config: SimConfig,
    pub received: Vec<Received>,
    pub accepted: Vec<Accepted>,
    pub counters: Counters,
    /// Reports not yet due, in due order.
    pub scheduled: VecDeque<(Instant, Report)>,
    /// Reports waiting for `/msg/pull/report`.
    pub pull_queue: VecDeque<Report>,
    /// Replies waiting for `/msg/pull/mo` (§7.2 JSON elements).
    pub mo_queue: VecDeque<serde_json::Value>,
    pub msg_counter: u64,
    pub window: (Instant, u32),
    pub rng: StdRng,
}

/// Shared handle to the simulator's state.
#[derive(Clone)]
pub struct Shared(pub(crate) Arc<Mutex<State>>);

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A running simulator.
pub struct Simulator {
    pub addr: SocketAddr,
    shared: Shared,
    server: JoinHandle<()>,
    pusher: JoinHandle<()>,
}

impl Simulator {
    /// Starts on `addr` (use port 0 for a free port).
    pub async fn start(addr: SocketAddr, config: SimConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = State {
            rng: StdRng::seed_from_u64(config.seed),
            config,
            received: Vec::new(),
            accepted: Vec::new(),
            counters: Counters::default(),
            scheduled: VecDeque::new(),
            pull_queue: VecDeque::new(),
            mo_queue: VecDeque::new(),
            msg_counter: 0,
            window: (Instant::now(), 0),
        };
        let shared = Shared(Arc::new(Mutex::new(state)));
        let app = handlers::router(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let pusher = tokio::spawn(reports::deliver_loop(shared.clone()));
        Ok(Self { addr, shared, server, pusher })
    }

    /// `http://127.0.0.1:PORT` — the host to type into the 创蓝 card is `http://` + this.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Changes the configuration while running (faults, latency, templates…).
    pub fn configure(&self, change: impl FnOnce(&mut SimConfig)) {
        change(&mut self.shared.lock().config);
    }

    pub fn config(&self) -> SimConfig {
        self.shared.lock().config.clone()
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().received.clone()
    }

    pub fn accepted(&self) -> Vec<Accepted> {
        self.shared.lock().accepted.clone()
    }

    /// Requests answered and phones accepted so far (kept even when records are off).
    pub fn counts(&self) -> (u64, u64) {
        let s = self.shared.lock();
        (s.counters.requests, s.counters.accepted_phones)
    }

    pub fn balance(&self) -> i64 {
        self.shared.lock().config.balance
    }

    /// A handset replies `content` from `phone`: pushed to `mo_push_url` (§8.2) when set,
    /// otherwise queued for `/msg/pull/mo` (§7.2).
    pub async fn reply(&self, phone: &str, content: &str) -> Result<(), String> {
        reply(&self.shared, phone, content).await
    }

    /// Reports still scheduled or waiting to be pulled.
    pub fn pending_reports(&self) -> usize {
        let s = self.shared.lock();
        s.scheduled.len() + s.pull_queue.len()
    }
}

pub(crate) async fn reply(shared: &Shared, phone: &str, content: &str) -> Result<(), String> {
    let now = reports::now_long();
    let mo_time: String = now.chars().skip(2).take(10).collect();
    let notify_time: String = now.chars().skip(2).take(12).collect();
    let target = {
        let mut s = shared.lock();
        match s.config.mo_push_url.clone() {
            Some(url) => Some((url, s.config.push_receiver.clone(), s.config.push_pswd.clone())),
            None => {
                s.mo_queue.push_back(serde_json::json!({
                    "mobile": phone, "messageContent": content, "moTime": mo_time,
                    "spCode": "10690000", "destCode": "10690000"
                }));
                None
            }
        }
    };
    let Some((url, receiver, pswd)) = target else { return Ok(()) };
    let query = [
        ("receiver", receiver.as_str()),
        ("pswd", pswd.as_str()),
        ("moTime", mo_time.as_str()),
        ("mobile", phone),
        ("msg", content),
        ("destcode", "10690000"),
        ("spCode", "10690000"),
        ("notifyTime", notify_time.as_str()),
    ];
    let res = reqwest::Client::new().get(url).query(&query).send().await.map_err(|e| e.to_string())?;
    match res.status().is_success() {
        true => Ok(()),
        false => Err(format!("reply push answered {}", res.status())),
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        self.server.abort();
        self.pusher.abort();
    }
}

#[cfg(test)]
mod tests;
