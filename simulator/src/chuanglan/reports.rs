//! Report generation and delivery: every accepted phone gets one report after the configured
//! delay, `DELIVRD` for the configured share and failure statuses otherwise; due reports are
//! pushed (GET, §8.1, expecting `OK`) or queued for `/msg/pull/report` (≤ 100,000, §7).

use super::{Shared, State};
use engine::provider::Report;
use rand::Rng;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const PULL_QUEUE_MAX: usize = 100_000;
const TICK: Duration = Duration::from_millis(20);
const PUSH_CONCURRENCY: usize = 32;

fn now_cn() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc().to_offset(engine::clock::shanghai())
}

fn stamp(fmt: &[time::format_description::FormatItem<'_>]) -> String {
    now_cn().format(fmt).unwrap_or_default()
}

/// `yyyyMMddHHmmss` (response `time`).
pub fn now_long() -> String {
    stamp(time::macros::format_description!("[year][month][day][hour][minute][second]"))
}

/// `yyMMddHHmmss` + 5-digit counter (§14).
pub fn next_msg_id(s: &mut State) -> String {
    s.msg_counter += 1;
    let head = stamp(time::macros::format_description!("[year repr:last_two][month][day][hour][minute][second]"));
    format!("{head}{:05}", s.msg_counter % 100_000)
}

pub fn schedule(s: &mut State, msg_id: &str, phone: &str, uid: Option<String>, units: u32) {
    if !s.config.reports {
        return;
    }
    let delivered = s.rng.gen::<f64>() < s.config.delivered_ratio;
    let status = if delivered || s.config.failure_statuses.is_empty() {
        "DELIVRD".to_owned()
    } else {
        let i = s.rng.gen_range(0..s.config.failure_statuses.len());
        s.config.failure_statuses[i].clone()
    };
    // Carrier time `yyMMddHHmm` and receipt time `yyMMddHHmmss` as of when the report is due.
    let at = now_cn() + Duration::from_millis(s.config.report_delay_ms);
    let fmt = |f: &[time::format_description::FormatItem<'_>]| at.format(f).unwrap_or_default();
    let report = Report {
        msg_id: msg_id.to_owned(),
        phone: phone.to_owned(),
        status_desc: describe(&status).to_owned(),
        status,
        report_time: fmt(time::macros::format_description!("[year repr:last_two][month][day][hour][minute]")),
        notify_time: fmt(time::macros::format_description!("[year repr:last_two][month][day][hour][minute][second]")),
        uid,
        length: Some(units),
    };
    let due = Instant::now() + Duration::from_millis(s.config.report_delay_ms);
    s.scheduled.push_back((due, report));
}

fn describe(status: &str) -> &'static str {
    match status {
        "DELIVRD" => "短信发送成功",
        "UNDELIV" => "被叫挂断、超时未接、关机、停机、欠费、手机号码错误导致失败。",
        "MBBLACK" => "号码在黑名单中",
        "REJECTD" => "短信中心拒绝",
        "EXPIRED" => "短信超过有效期",
        "REJECT" => "内容审核驳回",
        _ => "网关内部状态",
    }
}

/// The element of a pull answer (§7.1).
pub fn pulled_json(r: &Report) -> Value {
    let mut v = json!({
        "msgId": r.msg_id, "mobile": r.phone, "status": r.status, "statusDesc": r.status_desc,
        "reportTime": r.report_time, "notifyTime": r.notify_time,
        "length": r.length.unwrap_or(1).to_string(),
    });
    if let Some(uid) = &r.uid {
        v["uid"] = json!(uid);
    }
    v
}

/// Moves due reports to the pull queue or pushes them, forever.
pub async fn deliver_loop(shared: Shared) {
    let http = engine::provider::http_client(Duration::from_secs(5));
    loop {
        tokio::time::sleep(TICK).await;
        let (due, push) = take_due(&shared);
        if due.is_empty() {
            continue;
        }
        match push {
            None => queue_for_pull(&shared, due),
            Some((url, receiver, pswd)) => {
                let failed = push_all(&http, &url, &receiver, &pswd, due).await;
                queue_for_pull(&shared, failed);
            }
        }
    }
}

type PushTarget = (String, String, String);

fn take_due(shared: &Shared) -> (Vec<Report>, Option<PushTarget>) {
    let mut s = shared.lock();
    let now = Instant::now();
    let (yy_min, yy_sec) = (
        stamp(time::macros::format_description!("[year repr:last_two][month][day][hour][minute]")),
        stamp(time::macros::format_description!("[year repr:last_two][month][day][hour][minute][second]")),
    );
    let mut due = Vec::new();
    while s.scheduled.front().is_some_and(|(at, _)| *at <= now) && due.len() < 20_000 {
        if let Some((_, mut r)) = s.scheduled.pop_front() {
            r.report_time = yy_min.clone();
            r.notify_time = yy_sec.clone();
            due.push(r);
        }
    }
    let push = s.config.push_url.clone().map(|u| (u, s.config.push_receiver.clone(), s.config.push_pswd.clone()));
    (due, push)
}

fn queue_for_pull(shared: &Shared, reports: Vec<Report>) {
    if reports.is_empty() {
        return;
    }
    let mut s = shared.lock();
    s.pull_queue.extend(reports);
    let excess = s.pull_queue.len().saturating_sub(PULL_QUEUE_MAX);
    s.pull_queue.drain(..excess);
}

/// Pushes each report; returns those the receiver did not acknowledge with `OK`.
async fn push_all(http: &reqwest::Client, url: &str, receiver: &str, pswd: &str, due: Vec<Report>) -> Vec<Report> {
    use futures::stream::{self, StreamExt};
    let results: Vec<Option<Report>> = stream::iter(due)
        .map(|r| async move {
            let length = r.length.unwrap_or(1).to_string();
            let mut q = vec![
                ("receiver", receiver),
                ("pswd", pswd),
                ("msgid", r.msg_id.as_str()),
                ("reportTime", r.report_time.as_str()),
                ("mobile", r.phone.as_str()),
                ("notifyTime", r.notify_time.as_str()),
                ("length", length.as_str()),
                ("status", r.status.as_str()),
                ("statusDesc", r.status_desc.as_str()),
            ];
            if let Some(uid) = &r.uid {
                q.push(("uid", uid.as_str()));
            }
            let ok = match http.get(url).query(&q).send().await {
                Ok(res) if res.status().is_success() => res.text().await.is_ok_and(|t| t.trim() == "OK"),
                _ => false,
            };
            (!ok).then_some(r)
        })
        .buffer_unordered(PUSH_CONCURRENCY)
        .collect()
        .await;
    results.into_iter().flatten().collect()
}
