//! What a simulator run looks like: account, balance, fixtures and faults.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateStatus {
    Approved,
    Pending,
    Rejected,
}

/// A template approved (or not) in the simulated console, for template-id sends (§16).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateFixture {
    pub id: String,
    /// Text with `{$var}` slots, filled from the parameters in order.
    pub content: String,
    pub params: Vec<String>,
    pub status: TemplateStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SimConfig {
    pub account: String,
    pub password: String,
    /// A second, 营销 (marketing) account: it refuses content without 拒收请回复R (158).
    /// Empty = none.
    pub market_account: String,
    pub market_password: String,
    /// Replies (上行) are pushed here (GET, §8.2) when set, else queued for `/msg/pull/mo`.
    pub mo_push_url: Option<String>,
    /// Remaining message count; each accepted phone costs its billing units (109 at zero).
    pub balance: i64,
    /// Registered signatures (bare names); empty accepts any well-formed `【…】`.
    pub signatures: Vec<String>,
    pub templates: Vec<TemplateFixture>,
    pub max_len: usize,
    /// Added to every answer.
    pub latency_ms: u64,
    /// Submit code → probability of answering it instead of success (e.g. `"104": 0.1`).
    pub failure_rates: BTreeMap<String, f64>,
    /// Requests per second before answering `103`; 0 = unlimited.
    pub max_requests_per_sec: u32,
    /// Answer every request with HTTP 503.
    pub outage: bool,
    /// Probability of answering a request with HTTP 503 before looking at it (nothing accepted).
    pub http_5xx_rate: f64,
    /// Probability of accepting a request and then answering only after `lost_answer_ms`
    /// (past the client's timeout: the sender cannot know it was accepted).
    pub lost_answer_rate: f64,
    pub lost_answer_ms: u64,
    /// Delay between acceptance and the delivery report.
    pub report_delay_ms: u64,
    /// Share of reports that are `DELIVRD`; the rest take `failure_statuses` in turn.
    pub delivered_ratio: f64,
    pub failure_statuses: Vec<String>,
    /// When set, reports are pushed here (GET, §8.1) instead of queued for pull.
    pub push_url: Option<String>,
    pub push_receiver: String,
    pub push_pswd: String,
    /// Keep every request and message for assertions (off for million-message benchmarks).
    pub keep_records: bool,
    /// Generate delivery reports.
    pub reports: bool,
    pub seed: u64,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            account: "N1234567".into(),
            password: "sim-password".into(),
            market_account: "M1234567".into(),
            market_password: "sim-market-password".into(),
            mo_push_url: None,
            balance: 10_000_000,
            signatures: Vec::new(),
            templates: vec![TemplateFixture {
                id: "1021143438".into(),
                content: "尊敬的{$var}，您的积分{$var}即将到期。拒收请回复R".into(),
                params: vec!["param1".into(), "param2".into()],
                status: TemplateStatus::Approved,
            }],
            max_len: types::sms::DEFAULT_MAX_LEN,
            latency_ms: 0,
            failure_rates: BTreeMap::new(),
            max_requests_per_sec: 0,
            outage: false,
            http_5xx_rate: 0.0,
            lost_answer_rate: 0.0,
            lost_answer_ms: 11_000,
            report_delay_ms: 200,
            delivered_ratio: 1.0,
            failure_statuses: vec!["UNDELIV".into(), "MBBLACK".into(), "REJECTD".into(), "EXPIRED".into()],
            push_url: None,
            push_receiver: String::new(),
            push_pswd: String::new(),
            keep_records: true,
            reports: true,
            seed: 253,
        }
    }
}
