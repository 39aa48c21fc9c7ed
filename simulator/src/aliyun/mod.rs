//! An Aliyun Dysmsapi-compatible server (guidance of Aliyun §9): one route `/`, parameters
//! merged from query and form body, the v1 signature verified with the configured secret
//! (wrong secret → `SignatureDoesNotMatch`), timestamp window and nonce reuse checked, then
//! SendSms, SendBatchSms, QuerySmsSign, QuerySmsTemplate and QuerySendDetails against
//! signature and template fixtures. Every accepted phone gets one scripted outcome that
//! QuerySendDetails reports (waiting → delivered/failed after the configured delay).

mod actions;
mod gateway;

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::task::JoinHandle;

/// A template in the simulated console: content uses `${name}` parameters (Aliyun §5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AliTemplate {
    pub code: String,
    pub name: String,
    pub content: String,
    /// 0 审核中, 1 通过, 2 未通过, 10 已取消.
    pub status: i64,
    pub reason: String,
    /// QuerySmsTemplate numbering: 0 验证码, 1 通知, 2 推广 (§5.4).
    #[serde(default = "promotional")]
    pub template_type: i64,
}

fn promotional() -> i64 {
    2
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AliSimConfig {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// Signature name → SignStatus.
    pub signs: BTreeMap<String, i64>,
    pub templates: Vec<AliTemplate>,
    pub latency_ms: u64,
    /// Error code → probability of answering it instead of success.
    pub failure_rates: BTreeMap<String, f64>,
    pub outage: bool,
    pub receipt_delay_ms: u64,
    pub delivered_ratio: f64,
    pub failure_codes: Vec<String>,
    pub keep_records: bool,
    pub seed: u64,
}

impl Default for AliSimConfig {
    fn default() -> Self {
        Self {
            access_key_id: "LTAIExampleKeyId".into(),
            access_key_secret: "ExampleSecretDoNotUse".into(),
            signs: BTreeMap::from([("示例商城".to_owned(), 1)]),
            templates: vec![
                AliTemplate {
                    code: "SMS_465000001".into(),
                    name: "积分到期提醒".into(),
                    content: "尊敬的${name}，您的积分${points}即将到期。拒收请回复R".into(),
                    status: 1,
                    reason: "无审批备注".into(),
                    template_type: 2,
                },
                AliTemplate {
                    code: "SMS_465000002".into(),
                    name: "新品上市".into(),
                    content: "新品上市，详情见 ${url}".into(),
                    status: 0,
                    reason: String::new(),
                    template_type: 2,
                },
                AliTemplate {
                    code: "SMS_465000003".into(),
                    name: "发货通知".into(),
                    content: "您的订单${order}已发货，请留意查收".into(),
                    status: 1,
                    reason: "无审批备注".into(),
                    template_type: 1,
                },
            ],
            latency_ms: 0,
            failure_rates: BTreeMap::new(),
            outage: false,
            receipt_delay_ms: 200,
            delivered_ratio: 1.0,
            failure_codes: vec!["MK:0001".into(), "IC:0055".into(), "isv.MOBILE_NUMBER_ILLEGAL".into()],
            keep_records: true,
            seed: 2017,
        }
    }
}

/// One accepted phone of a send, with its scripted outcome.
#[derive(Debug, Clone, Serialize)]
pub struct AliMessage {
    pub biz_id: String,
    pub phone: String,
    pub template_code: String,
    pub text: String,
    pub out_id: String,
    /// `yyyyMMdd` (Asia/Shanghai).
    pub send_day: String,
    pub send_time: String,
    /// 3 delivered or 2 failed once `due`; 1 before.
    pub final_status: i64,
    pub err_code: String,
    #[serde(skip)]
    pub due: Option<Instant>,
}

pub(crate) struct State {
    pub config: AliSimConfig,
    pub nonces: HashMap<String, Instant>,
    pub messages: Vec<AliMessage>,
    pub actions: Vec<(String, String)>,
    pub counter: u64,
    pub rng: StdRng,
}

#[derive(Clone)]
pub(crate) struct Shared(Arc<Mutex<State>>);

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub struct AliyunSimulator {
    pub addr: SocketAddr,
    shared: Shared,
    server: JoinHandle<()>,
}

impl AliyunSimulator {
    pub async fn start(addr: SocketAddr, config: AliSimConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = State {
            rng: StdRng::seed_from_u64(config.seed),
            config,
            nonces: HashMap::new(),
            messages: Vec::new(),
            actions: Vec::new(),
            counter: 0,
        };
        let shared = Shared(Arc::new(Mutex::new(state)));
        let app = gateway::router(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, shared, server })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn configure(&self, change: impl FnOnce(&mut AliSimConfig)) {
        change(&mut self.shared.lock().config);
    }

    pub fn messages(&self) -> Vec<AliMessage> {
        self.shared.lock().messages.clone()
    }

    /// `(Action, answered Code)` of every call, in order.
    pub fn actions(&self) -> Vec<(String, String)> {
        self.shared.lock().actions.clone()
    }
}

impl Drop for AliyunSimulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[cfg(test)]
mod tests;
