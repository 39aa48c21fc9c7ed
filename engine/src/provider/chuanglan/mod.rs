//! 创蓝 Chuanglan PaaS JSON API client (Chuanglan §1–§2): account and password in a JSON body,
//! POST only, business errors as HTTP 200 with a non-zero `code`. The endpoint follows the
//! content: `{$var}` → variable (§5), none → plain (§4), template id → §16.

pub mod codes;
pub mod reports;
pub mod send;

use super::{http_client, json, transport_error, Batch, ErrorClass, ProviderError, Report, Submitted};
use super::{SmsProvider, REQUEST_TIMEOUT};
use crate::settings::chuanglan::Credentials;
use serde_json::{json, Value};

/// Balance query path (Chuanglan §6).
pub const BALANCE_PATH: &str = "/msg/balance/json";
/// Pull paths (Chuanglan §7).
pub const PULL_REPORT_PATH: &str = "/msg/pull/report";
const PULL_MO_PATH: &str = "/msg/pull/mo";

/// Shared HTTP client (connection pool); cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
}

impl Default for Client {
    fn default() -> Self {
        Self { http: http_client(REQUEST_TIMEOUT) }
    }
}

impl Client {
    pub fn with_timeout(timeout: std::time::Duration) -> Self {
        Self { http: http_client(timeout) }
    }

    /// Remaining message count of the account (Chuanglan §6). Used by 测试连接.
    pub async fn balance(&self, creds: &Credentials) -> Result<String, ProviderError> {
        let body = json!({ "account": creds.config.account, "password": creds.password });
        let answer = self.post(&creds.config.base_url(), BALANCE_PATH, &body).await?;
        match json::text(&answer, "code").as_deref() {
            Some("0") => Ok(json::text(&answer, "balance").unwrap_or_default()),
            Some(code) => Err(codes::classify(code).with_vendor_message(json::text(&answer, "errorMsg"))),
            None => Err(unreadable()),
        }
    }

    /// Submits one batch to the endpoint its content selects.
    pub async fn submit(&self, creds: &Credentials, batch: &Batch) -> Result<Submitted, ProviderError> {
        let request = send::build(creds, batch)?;
        let answer = self.post(&creds.config.base_url(), &request.path, &request.body).await?;
        send::parse(&request.path, &answer, batch.messages.len())
    }

    /// Pulls up to 100 pending delivery reports (Chuanglan §7.1; the vendor deletes them).
    pub async fn pull_reports(&self, creds: &Credentials) -> Result<Vec<Report>, ProviderError> {
        let body = json!({ "account": creds.config.account, "password": creds.password, "count": "100" });
        let answer = self.post(&creds.config.base_url(), PULL_REPORT_PATH, &body).await?;
        reports::parse_pulled(&answer)
    }

    /// Pulls up to 100 pending replies (Chuanglan §7.2; the vendor deletes them).
    pub async fn pull_replies(&self, creds: &Credentials) -> Result<Vec<crate::ledger::inbound::Reply>, ProviderError> {
        let body = json!({ "account": creds.config.account, "password": creds.password, "count": "100" });
        let answer = self.post(&creds.config.base_url(), PULL_MO_PATH, &body).await?;
        if json::text(&answer, "ret").as_deref() != Some("0") {
            let msg = json::text(&answer, "error").unwrap_or_default();
            return Err(ProviderError::new(ErrorClass::Configuration, "pull-failed", format!("拉取上行失败：{msg}")));
        }
        let items = answer.get("result").and_then(Value::as_array).cloned().unwrap_or_default();
        Ok(items.iter().filter_map(crate::ledger::inbound::from_chuanglan_pulled).collect())
    }

    pub(crate) async fn post(&self, base: &str, path: &str, body: &Value) -> Result<Value, ProviderError> {
        let response = self
            .http
            .post(format!("{base}{path}"))
            .header("Content-Type", "application/json; charset=utf-8")
            .body(body.to_string())
            .send()
            .await
            .map_err(|e| transport_error(&e))?;
        let status = response.status();
        if !status.is_success() {
            return Err(super::http_status_error(status.as_u16()));
        }
        let bytes = super::read_capped(response).await?;
        serde_json::from_slice(&bytes).map_err(|_| unreadable())
    }
}

/// A Chuanglan account bound to the shared client: what the sending engine uses.
#[derive(Clone)]
pub struct Provider {
    pub client: Client,
    pub creds: Credentials,
}

#[async_trait::async_trait]
impl SmsProvider for Provider {
    async fn submit(&self, batch: &Batch) -> Result<Submitted, ProviderError> {
        self.client.submit(&self.creds, batch).await
    }

    async fn pull_reports(&self) -> Result<Vec<Report>, ProviderError> {
        self.client.pull_reports(&self.creds).await
    }

    async fn pull_replies(&self) -> Result<Vec<crate::ledger::inbound::Reply>, ProviderError> {
        self.client.pull_replies(&self.creds).await
    }
}

pub(crate) fn unreadable() -> ProviderError {
    ProviderError::new(
        ErrorClass::Configuration,
        "bad-response",
        "接口返回的内容无法识别：请确认接口地址是创蓝短信接口（例如 smssh1.253.com）",
    )
}
