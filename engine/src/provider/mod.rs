//! SMS vendor clients. Each vendor module owns its wire protocol (cited by spec section) and
//! maps every vendor answer to an [`Outcome`] class with a Chinese explanation, so callers
//! decide on retries and operator messages without knowing vendor codes. Invariant: no
//! credential ever appears in an error, a log line or a `Debug` output produced here.

pub mod aliyun;
pub mod chuanglan;
pub mod egress;
pub mod json;
mod types;

pub use types::{Batch, Content, OutMessage, Report, Submitted};

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How a vendor answer should be handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ErrorClass {
    /// Transient (busy, throttled, network): retry later with backoff.
    Retryable,
    /// About this recipient or this content: do not retry as is.
    Permanent,
    /// Account-level (credentials, IP whitelist, balance, signature): an operator must act.
    Configuration,
}

/// A vendor or transport failure, already explained for operators.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[{code}] {explanation}")]
pub struct ProviderError {
    pub class: ErrorClass,
    /// The vendor's code (`102`, `isv.SMS_TEMPLATE_ILLEGAL`) or `network`/`timeout`/`http-<status>`.
    pub code: String,
    /// Plain Chinese: what happened and what to do.
    pub explanation: String,
    /// The vendor's own message text, if any (never contains our credentials).
    pub vendor_message: Option<String>,
}

impl ProviderError {
    pub fn new(class: ErrorClass, code: impl Into<String>, explanation: impl Into<String>) -> Self {
        Self { class, code: code.into(), explanation: explanation.into(), vendor_message: None }
    }

    /// The request may have reached the vendor and been accepted: a timeout, a broken
    /// connection after sending, or a 5xx. Such batches must be reconciled,
    /// never blindly resent (Chuanglan §9 notes). A refused connection (`connect`) never left.
    pub fn outcome_unknown(&self) -> bool {
        matches!(self.code.as_str(), "timeout" | "network")
            || self.code.strip_prefix("http-").and_then(|s| s.parse::<u16>().ok()).is_some_and(|s| s >= 500)
    }

    fn with_vendor_message(mut self, msg: Option<String>) -> Self {
        self.vendor_message = msg.filter(|m| !m.trim().is_empty());
        self
    }
}

/// A vendor that can take a batch of messages. Implemented by the Chuanglan and Aliyun clients;
/// the sending engine sees only this.
#[async_trait::async_trait]
pub trait SmsProvider: Send + Sync {
    /// Submits one batch. A `Retryable` error after the request left may mean it was accepted.
    async fn submit(&self, batch: &Batch) -> Result<Submitted, ProviderError>;
    /// Fetches pending delivery reports (the vendor deletes what it returns).
    async fn pull_reports(&self) -> Result<Vec<Report>, ProviderError>;
    /// Asks for the reports of specific messages still waiting for one, for vendors that answer
    /// per message rather than from a queue (Aliyun QuerySendDetails). Unanswered ones are
    /// simply absent.
    async fn query_reports(&self, _waiting: &[Waiting]) -> Result<Vec<Report>, ProviderError> {
        Ok(Vec::new())
    }
    /// Fetches pending replies (上行) for vendors that queue them (Chuanglan §7.2; the vendor
    /// deletes what it returns, so callers store them at once).
    async fn pull_replies(&self) -> Result<Vec<crate::ledger::inbound::Reply>, ProviderError> {
        Ok(Vec::new())
    }
}

/// A submitted message without a report: the vendor's id of its request, the phone, and when
/// it was submitted (Unix seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub msg_id: String,
    pub phone: String,
    pub submitted_at: i64,
}

/// Timeouts follow the official Chuanglan helper (10 s connect / 10 s read, Chuanglan §2);
/// Aliyun asks for at least 1 s (Aliyun §5.1).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One shared HTTP client (connection pooling, rustls, no redirects, public targets only).
pub fn http_client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        // Never follow redirects and never connect to private networks (see `egress`).
        .redirect(reqwest::redirect::Policy::none())
        .dns_resolver(std::sync::Arc::new(egress::Resolver))
        .connect_timeout(CONNECT_TIMEOUT.min(timeout))
        .timeout(timeout)
        .user_agent(concat!("chuda/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}

/// Largest vendor answer read (bytes); vendor answers are a few KB, a pull of 100 reports
/// well under 100 KB.
pub const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// Reads a vendor answer, refusing one larger than [`MAX_ANSWER`] instead of buffering it.
pub(crate) async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, ProviderError> {
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e))? {
        if out.len() + chunk.len() > MAX_ANSWER {
            return Err(ProviderError::new(
                ErrorClass::Retryable,
                "oversized",
                "接口返回的内容过大，已拒绝读取；请确认接口地址填写正确",
            ));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Maps a transport failure. A timeout after sending may mean the vendor accepted the
/// request; callers that submit messages must reconcile rather than resend (Chuanglan §9 notes).
pub(crate) fn transport_error(e: &reqwest::Error) -> ProviderError {
    if e.is_timeout() {
        ProviderError::new(
            ErrorClass::Retryable,
            "timeout",
            "接口响应超时，请稍后重试；若持续超时，请检查接口地址和网络",
        )
    } else if e.is_connect() {
        ProviderError::new(
            ErrorClass::Retryable,
            "connect",
            "无法连接到接口地址，请检查接口地址是否正确、服务器能否访问外网",
        )
    } else if let Some(status) = e.status() {
        http_status_error(status.as_u16())
    } else {
        ProviderError::new(ErrorClass::Retryable, "network", "与接口通信失败，请稍后重试")
    }
}

pub(crate) fn http_status_error(status: u16) -> ProviderError {
    let class = if status >= 500 || status == 429 { ErrorClass::Retryable } else { ErrorClass::Configuration };
    ProviderError::new(class, format!("http-{status}"), format!("接口返回 HTTP {status}，请确认接口地址填写正确"))
}
