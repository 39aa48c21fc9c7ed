//! HTTP routes of the simulator (Chuanglan §14 routes) and the per-endpoint logic.

use super::check::{self, Reject};
use super::{reports, Accepted, Received, Shared, State};
use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use engine::provider::json;
use rand::Rng;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use types::sms;

type Logic = fn(&mut State, &Value, &str) -> Value;

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/msg/send/json", post(plain))
        .route("/msg/v1/send/json", post(plain))
        .route("/msg/variable/json", post(variable))
        .route("/msg/sms/v2/tpl/send", post(template))
        .route("/msg/json", post(template))
        .route("/msg/balance/json", post(balance))
        .route("/msg/pull/report", post(pull_report))
        .route("/msg/pull/mo", post(pull_mo))
        .route("/sim/stats", get(stats))
        .route("/sim/mo", post(inject_mo))
        .with_state(shared)
}

async fn plain(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, plain_logic).await
}
async fn variable(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, variable_logic).await
}
async fn template(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, template_logic).await
}
async fn balance(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, balance_logic).await
}
async fn pull_report(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, pull_report_logic).await
}
async fn pull_mo(s: AxState<Shared>, uri: Uri, h: HeaderMap, body: Bytes) -> Response {
    respond(s.0, uri, h, body, pull_mo_logic).await
}

async fn stats(AxState(shared): AxState<Shared>) -> Json<Value> {
    let s = shared.lock();
    Json(json!({
        "requests": s.counters.requests,
        "accepted_phones": s.counters.accepted_phones,
        // Distinct phones among the kept records (only meaningful with records on).
        "distinct_phones": s.accepted.iter().map(|a| a.phone.as_str()).collect::<std::collections::HashSet<_>>().len(),
        "balance": s.config.balance,
        "pending_reports": s.scheduled.len() + s.pull_queue.len(),
    }))
}

/// Outage, latency and throttling, then JSON parsing, then the endpoint's logic under the lock.
async fn respond(shared: Shared, uri: Uri, headers: HeaderMap, body: Bytes, logic: Logic) -> Response {
    let (outage, latency) = {
        let mut s = shared.lock();
        let p = s.config.http_5xx_rate;
        (s.config.outage || (p > 0.0 && s.rng.gen::<f64>() < p), s.config.latency_ms)
    };
    if outage {
        return (StatusCode::SERVICE_UNAVAILABLE, "service unavailable").into_response();
    }
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let path = uri.path().to_owned();
    let (answer, lost) = answer(&shared, &headers, &body, path, logic);
    if let Some(wait) = lost {
        tokio::time::sleep(wait).await;
    }
    Json(answer).into_response()
}

/// The endpoint's answer under the lock, and how long to hold it back when the answer is to
/// be "lost" (accepted, answered after the client gave up).
fn answer(shared: &Shared, headers: &HeaderMap, body: &Bytes, path: String, logic: Logic) -> (Value, Option<Duration>) {
    let parsed: Result<Value, _> = serde_json::from_slice(body);
    let mut s = shared.lock();
    s.counters.requests += 1;
    let answer = match parsed {
        Err(_) => error(check::BAD_JSON),
        Ok(_) if throttled(&mut s) => error(("103", "提交过快")),
        Ok(v) => logic(&mut s, &v, &path),
    };
    if s.config.keep_records {
        let content_type = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let code = json::text(&answer, "code").or_else(|| json::text(&answer, "ret")).unwrap_or_default();
        let body = serde_json::from_slice(body).unwrap_or(Value::Null);
        s.received.push(Received { path, content_type, body, code });
    }
    let accepted = json::text(&answer, "msgId").is_some_and(|m| !m.is_empty());
    let lost = accepted && s.config.lost_answer_rate > 0.0 && s.rng.gen::<f64>() < s.config.lost_answer_rate;
    (answer, lost.then(|| Duration::from_millis(s.config.lost_answer_ms)))
}

fn throttled(s: &mut State) -> bool {
    let max = s.config.max_requests_per_sec;
    if max == 0 {
        return false;
    }
    if s.window.0.elapsed() >= Duration::from_secs(1) {
        s.window = (Instant::now(), 0);
    }
    s.window.1 += 1;
    s.window.1 > max
}

fn error((code, msg): Reject) -> Value {
    json!({ "code": code, "msgId": "", "time": reports::now_long(), "errorMsg": msg })
}

fn plain_logic(s: &mut State, body: &Value, path: &str) -> Value {
    let run = |s: &State| -> Result<Vec<(String, String)>, Reject> {
        let market = check::credentials(body, &s.config, &["account", "password", "msg", "phone"])?;
        check::optional_fields(body)?;
        let msg = check::decode_msg(&json::text(body, "msg").unwrap_or_default())?;
        check::text(&msg, &s.config)?;
        check::marketing(market, &msg)?;
        let phones = check::phone_list(&json::text(body, "phone").unwrap_or_default())?;
        if !phones.iter().all(|p| check::is_mobile(p)) {
            return Err(("107", "包含错误的手机号码"));
        }
        Ok(phones.into_iter().map(|p| (p, msg.clone())).collect())
    };
    match run(s) {
        Ok(items) => accept(s, body, path, items, 0, false),
        Err(r) => error(r),
    }
}

fn variable_logic(s: &mut State, body: &Value, path: &str) -> Value {
    let run = |s: &State| -> Result<(Vec<(String, String)>, u32), Reject> {
        let market = check::credentials(body, &s.config, &["account", "password", "msg", "params"])?;
        check::optional_fields(body)?;
        let msg = json::text(body, "msg").unwrap_or_default();
        check::text(&msg, &s.config)?;
        check::marketing(market, &msg)?;
        let (groups, mut failed) =
            check::groups(&json::text(body, "params").unwrap_or_default(), sms::slot_count(&msg))?;
        let mut items = Vec::with_capacity(groups.len());
        for (phone, values) in groups {
            let text = sms::render(&msg, &values);
            if text.chars().count() > s.config.max_len {
                failed += 1;
            } else {
                items.push((phone, text));
            }
        }
        if items.is_empty() {
            return Err(("107", "包含错误的手机号码"));
        }
        Ok((items, failed))
    };
    match run(s) {
        Ok((items, failed)) => accept(s, body, path, items, failed, true),
        Err(r) => error(r),
    }
}

fn template_logic(s: &mut State, body: &Value, path: &str) -> Value {
    let phones_key = if body.get("phoneNumbers").is_some() { "phoneNumbers" } else { "phone" };
    let params_key = if body.get("templateParamJson").is_some() { "templateParamJson" } else { "param" };
    let run = |s: &State| -> Result<Vec<(String, String)>, Reject> {
        let market = check::credentials(body, &s.config, &["account", "password", phones_key, "templateId"])?;
        let id = json::text(body, "templateId").unwrap_or_default();
        let fixture = s.config.templates.iter().find(|t| t.id == id).ok_or(("152", "模板不存在"))?;
        check::marketing(market, &fixture.content)?;
        match fixture.status {
            super::TemplateStatus::Approved => {}
            super::TemplateStatus::Pending => return Err(("124", "模板审核中，白模板匹配错误")),
            super::TemplateStatus::Rejected => return Err(("125", "匹配驳回模板，提交失败")),
        }
        let phones = check::phone_list(&json::text(body, phones_key).unwrap_or_default())?;
        if !phones.iter().all(|p| check::is_mobile(p)) {
            return Err(("107", "包含错误的手机号码"));
        }
        let values: Vec<Value> = json::text(body, params_key)
            .and_then(|t| serde_json::from_str(&t).ok())
            .and_then(|v: Value| v.as_array().cloned())
            .unwrap_or_default();
        if !fixture.params.is_empty() && values.len() != phones.len() {
            return Err(check::MISSING);
        }
        let signature = json::text(body, "signature").unwrap_or_else(|| "【创蓝云智】".into());
        check::signature(&signature, &s.config)?;
        let mut items = Vec::with_capacity(phones.len());
        for (i, phone) in phones.into_iter().enumerate() {
            let obj = values.get(i).cloned().unwrap_or(Value::Null);
            let vals: Option<Vec<String>> = fixture.params.iter().map(|p| json::text(&obj, p)).collect();
            let vals = vals.ok_or(check::MISSING)?;
            items.push((phone, format!("{signature}{}", sms::render(&fixture.content, &vals))));
        }
        Ok(items)
    };
    match run(s) {
        Ok(items) => {
            let mut answer = accept(s, body, path, items, 0, true);
            if answer["code"] == "0" {
                answer["code"] = json!("000000");
            }
            answer
        }
        Err(r) => error(r),
    }
}

/// Balance, faults, then acceptance: a msgId, billing, records and scheduled reports.
fn accept(s: &mut State, body: &Value, path: &str, items: Vec<(String, String)>, failed: u32, counts: bool) -> Value {
    let cost: i64 = items.iter().map(|(_, t)| i64::from(sms::billing_units(t.chars().count()))).sum();
    if s.config.balance < cost {
        return error(("109", "余额不足"));
    }
    if let Some(code) = injected_fault(s) {
        let text = engine::provider::chuanglan::codes::classify(&code).explanation;
        return json!({ "code": code, "msgId": "", "time": reports::now_long(), "errorMsg": text });
    }
    s.config.balance -= cost;
    let msg_id = reports::next_msg_id(s);
    let uid = json::text(body, "uid");
    s.counters.accepted_phones += items.len() as u64;
    for (phone, text) in items.iter() {
        let units = sms::billing_units(text.chars().count());
        reports::schedule(s, &msg_id, phone, uid.clone(), units);
        if s.config.keep_records {
            let endpoint = path.to_owned();
            let rec = Accepted {
                msg_id: msg_id.clone(),
                phone: phone.clone(),
                text: text.clone(),
                uid: uid.clone(),
                endpoint,
            };
            s.accepted.push(rec);
        }
    }
    let mut answer = json!({ "code": "0", "msgId": msg_id, "time": reports::now_long(), "errorMsg": "" });
    if counts {
        answer["successNum"] = json!(items.len().to_string());
        answer["failNum"] = json!(failed.to_string());
    }
    answer
}

fn injected_fault(s: &mut State) -> Option<String> {
    let rates: Vec<(String, f64)> = s.config.failure_rates.iter().map(|(k, v)| (k.clone(), *v)).collect();
    rates.into_iter().find(|(_, p)| s.rng.gen::<f64>() < *p).map(|(code, _)| code)
}

fn balance_logic(s: &mut State, body: &Value, _: &str) -> Value {
    match check::credentials(body, &s.config, &["account", "password"]) {
        Ok(_) => {
            json!({ "code": 0, "balance": s.config.balance.to_string(), "time": reports::now_long(), "errorMsg": "" })
        }
        Err(r) => error(r),
    }
}

fn pull_report_logic(s: &mut State, body: &Value, _: &str) -> Value {
    if let Err((_, msg)) = check::credentials(body, &s.config, &["account", "password"]) {
        return json!({ "ret": 1, "error": msg });
    }
    let count = json::text(body, "count").and_then(|c| c.parse::<usize>().ok()).unwrap_or(20).clamp(1, 100);
    let n = count.min(s.pull_queue.len());
    let items: Vec<Value> = s.pull_queue.drain(..n).map(|r| reports::pulled_json(&r)).collect();
    json!({ "ret": 0, "result": items })
}

fn pull_mo_logic(s: &mut State, body: &Value, _: &str) -> Value {
    if let Err((_, msg)) = check::credentials(body, &s.config, &["account", "password"]) {
        return json!({ "ret": 1, "error": msg });
    }
    let count = json::text(body, "count").and_then(|c| c.parse::<usize>().ok()).unwrap_or(20).clamp(1, 100);
    let n = count.min(s.mo_queue.len());
    let items: Vec<Value> = s.mo_queue.drain(..n).collect();
    json!({ "ret": 0, "result": items })
}

/// Test hook: a handset replies `{"mobile", "msg"}` (pushed when a reply URL is set, else
/// queued for `/msg/pull/mo`).
async fn inject_mo(AxState(shared): AxState<Shared>, Json(body): Json<Value>) -> Response {
    let (Some(mobile), Some(msg)) = (json::text(&body, "mobile"), json::text(&body, "msg")) else {
        return (StatusCode::BAD_REQUEST, "mobile and msg are required").into_response();
    };
    match super::reply(&shared, &mobile, &msg).await {
        Ok(()) => Json(json!({"ok": true})).into_response(),
        Err(e) => (StatusCode::BAD_GATEWAY, e).into_response(),
    }
}
