//! Vendor callbacks: 创蓝 status-report push (§8.1, GET one report per call; the JSON batch
//! form some integrations use is accepted too), 创蓝 reply push (§8.2), 阿里云 SmsReport
//! push (Aliyun §7, JSON array) and 阿里云 SmsUp reply push (JSON array). Replies that opt out
//! (R, 退订 …) put their phone on the suppression list. Each URL carries this installation's unguessable token; a
//! wrong token gets 403 before the body is parsed and is logged (rate-limited) with the peer
//! address, never the token. Storing is
//! idempotent, so a report pushed twice, or pushed and also pulled, is applied once.

use app::state::ServerState;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use engine::provider::Report;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;

pub fn routes() -> Router<ServerState> {
    Router::new()
        .route("/hooks/chuanglan/{token}/report", get(chuanglan_report).post(chuanglan_report_batch))
        .route("/hooks/chuanglan/{token}/mo", get(chuanglan_reply))
        .route("/hooks/aliyun/{token}/report", post(aliyun_report))
        .route("/hooks/aliyun/{token}/mo", post(aliyun_reply))
}

type Refusal = (StatusCode, &'static str);

/// `Err` is the answer when the token is wrong or cannot be checked.
async fn authorize(state: &ServerState, token: &str, peer: SocketAddr, hook: &str) -> Result<(), Refusal> {
    match engine::settings::is_callback_token(&state.db, token).await {
        Ok(true) => Ok(()),
        Ok(false) => {
            warn_wrong_token(peer, hook);
            Err((StatusCode::FORBIDDEN, "forbidden"))
        }
        Err(e) => {
            tracing::error!(error = %e, hook, "callback token lookup failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
    }
}

/// Logs refused callbacks at most once per 10 s (with how many were refused meanwhile), so
/// a scanner hammering the hooks cannot flood the log.
fn warn_wrong_token(peer: SocketAddr, hook: &str) {
    use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    static QUIET: AtomicU64 = AtomicU64::new(0);
    let now = engine::clock::now();
    let last = LAST.load(Ordering::Relaxed);
    if now - last >= 10 && LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok() {
        let also = QUIET.swap(0, Ordering::Relaxed);
        tracing::warn!(%peer, hook, also_refused = also, "callback with a wrong token refused");
    } else {
        QUIET.fetch_add(1, Ordering::Relaxed);
    }
}

/// The body as JSON, parsed only after the token was checked.
fn json_body(body: &[u8]) -> Option<Value> {
    serde_json::from_slice(body).ok()
}

fn malformed(peer: SocketAddr, hook: &str, what: &str) -> Response {
    tracing::warn!(%peer, hook, what, "malformed callback refused");
    (StatusCode::BAD_REQUEST, format!("bad request: {what}")).into_response()
}

/// Stores reports; a database failure answers 500 so the vendor pushes again.
async fn store(state: &ServerState, reports: &[Report], hook: &str) -> Result<(), Refusal> {
    match state.receipts.submit(reports.to_vec()).await {
        Ok(()) => Ok(()),
        Err(e) => {
            tracing::error!(error = %e, hook, "storing pushed reports failed");
            Err((StatusCode::INTERNAL_SERVER_ERROR, "internal error"))
        }
    }
}

async fn chuanglan_report(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    const HOOK: &str = "chuanglan-report";
    if let Err(r) = authorize(&state, &token, peer, HOOK).await {
        return r.into_response();
    }
    let Some(report) = engine::provider::chuanglan::reports::parse_pushed(&q) else {
        return malformed(peer, HOOK, "msgid, mobile and status are required");
    };
    match store(&state, &[report], HOOK).await {
        Ok(()) => "OK".into_response(),
        Err(r) => r.into_response(),
    }
}

async fn chuanglan_report_batch(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Response {
    const HOOK: &str = "chuanglan-report";
    if let Err(r) = authorize(&state, &token, peer, HOOK).await {
        return r.into_response();
    }
    let Some(body) = json_body(&body) else { return malformed(peer, HOOK, "a JSON body is required") };
    let list = body.get("reportList").cloned().unwrap_or(Value::Null);
    let reports = match engine::provider::chuanglan::reports::parse_pulled(&json!({"ret": 0, "result": list})) {
        Ok(r) if !r.is_empty() => r,
        _ => return malformed(peer, HOOK, "reportList with msgId, mobile and status is required"),
    };
    match store(&state, &reports, HOOK).await {
        Ok(()) => "OK".into_response(),
        Err(r) => r.into_response(),
    }
}

async fn chuanglan_reply(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    const HOOK: &str = "chuanglan-mo";
    if let Err(r) = authorize(&state, &token, peer, HOOK).await {
        return r.into_response();
    }
    let Some(reply) = engine::ledger::inbound::from_chuanglan_push(&q) else {
        return malformed(peer, HOOK, "a valid mobile and msg are required");
    };
    match engine::ledger::inbound::store(&state.db, "chuanglan", &reply).await {
        Ok(_) => "OK".into_response(),
        Err(e) => {
            tracing::error!(error = %e, hook = HOOK, "storing a reply failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// One element of an Aliyun SmsReport push.
fn aliyun_element(v: &Value) -> Option<Report> {
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::trim).filter(|s| !s.is_empty()).map(String::from);
    let success = v.get("success").and_then(Value::as_bool).unwrap_or(false);
    let status = text("err_code").unwrap_or_else(|| if success { "DELIVERED".into() } else { "FAILED".into() });
    Some(Report {
        msg_id: text("biz_id")?,
        phone: text("phone_number")?,
        status,
        status_desc: text("err_msg").unwrap_or_default(),
        report_time: text("report_time").unwrap_or_default(),
        notify_time: text("send_time").unwrap_or_default(),
        uid: text("out_id"),
        length: text("sms_size").and_then(|s| s.parse().ok()),
    })
}

async fn aliyun_report(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Response {
    const HOOK: &str = "aliyun-report";
    if let Err(r) = authorize(&state, &token, peer, HOOK).await {
        return r.into_response();
    }
    let Some(Value::Array(items)) = json_body(&body) else {
        return malformed(peer, HOOK, "a JSON array is required");
    };
    let reports: Option<Vec<Report>> = items.iter().map(aliyun_element).collect();
    let Some(reports) = reports.filter(|r| !r.is_empty()) else {
        return malformed(peer, HOOK, "each report needs biz_id and phone_number");
    };
    match store(&state, &reports, HOOK).await {
        // Aliyun only checks for HTTP 200 and a numeric `code` (Aliyun §7).
        Ok(()) => Json(json!({"code": 0, "msg": "接收成功"})).into_response(),
        Err(r) => r.into_response(),
    }
}

/// 阿里云 SmsUp push: a JSON array of replies (`phone_number`, `content`, `send_time`,
/// `dest_code`, `sequence_id`); opt-outs suppress their phone. Answered `{"code":0}` only
/// after every reply is stored.
async fn aliyun_reply(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Response {
    const HOOK: &str = "aliyun-mo";
    if let Err(r) = authorize(&state, &token, peer, HOOK).await {
        return r.into_response();
    }
    let Some(Value::Array(items)) = json_body(&body) else {
        return malformed(peer, HOOK, "a JSON array is required");
    };
    let replies: Option<Vec<_>> = items.iter().map(engine::ledger::inbound::from_aliyun_push).collect();
    let Some(replies) = replies.filter(|r| !r.is_empty()) else {
        return malformed(peer, HOOK, "each reply needs a valid phone_number and content");
    };
    for reply in &replies {
        if let Err(e) = engine::ledger::inbound::store(&state.db, "aliyun", reply).await {
            tracing::error!(error = %e, hook = HOOK, "storing a reply failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    }
    Json(json!({"code": 0, "msg": "接收成功"})).into_response()
}
