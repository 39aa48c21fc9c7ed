//! The POP gateway part: parameter merging, common-parameter checks, signature, timestamp and
//! nonce (Aliyun §2–§3, §6 gateway errors with `HostId`).

use super::{actions, Shared};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use engine::provider::aliyun::sign;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

const NONCE_WINDOW: Duration = Duration::from_secs(15 * 60);

pub fn router(shared: Shared) -> Router {
    Router::new().route("/", any(handle)).with_state(shared)
}

async fn handle(State(shared): State<Shared>, method: Method, RawQuery(q): RawQuery, body: Bytes) -> Response {
    let (outage, latency) = {
        let s = shared.lock();
        (s.config.outage, s.config.latency_ms)
    };
    if outage {
        return (StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable").into_response();
    }
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    let mut params: BTreeMap<String, String> =
        form_urlencoded::parse(q.unwrap_or_default().as_bytes()).into_owned().collect();
    params.extend(form_urlencoded::parse(&body).into_owned());
    let mut s = shared.lock();
    let (status, answer) = match verify(&mut s, method.as_str(), &params) {
        Err((status, code, message)) => (status, gateway_error(&code, &message)),
        Ok(()) => (StatusCode::OK, actions::dispatch(&mut s, &params)),
    };
    let code = answer["Code"].as_str().unwrap_or_default().to_owned();
    s.actions.push((params.get("Action").cloned().unwrap_or_default(), code));
    (status, Json(answer)).into_response()
}

type Reject = (StatusCode, String, String);

fn verify(s: &mut super::State, method: &str, p: &BTreeMap<String, String>) -> Result<(), Reject> {
    for key in [
        "AccessKeyId",
        "Action",
        "Signature",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
    ] {
        if p.get(key).is_none_or(|v| v.is_empty()) {
            return Err((
                StatusCode::BAD_REQUEST,
                format!("Missing{key}"),
                format!("{key} is mandatory for this action."),
            ));
        }
    }
    if p["Version"] != engine::provider::aliyun::API_VERSION {
        return Err((
            StatusCode::BAD_REQUEST,
            "InvalidVersion".into(),
            "Specified parameter Version is not valid.".into(),
        ));
    }
    if p["AccessKeyId"] != s.config.access_key_id {
        return Err((
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound".into(),
            "Specified access key is not found.".into(),
        ));
    }
    if p["SignatureMethod"] != "HMAC-SHA1" || p["SignatureVersion"] != "1.0" {
        return Err((
            StatusCode::BAD_REQUEST,
            "InvalidParameter".into(),
            "Unsupported signature method or version.".into(),
        ));
    }
    let expected = sign::sign(method, p, &s.config.access_key_secret);
    if !bool::from(expected.as_bytes().ct_eq(p["Signature"].as_bytes())) {
        return Err((
            StatusCode::BAD_REQUEST,
            "SignatureDoesNotMatch".into(),
            // Aliyun appends the string it signed; its SDKs split the message on this marker.
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{}",
                sign::string_to_sign(method, p)
            ),
        ));
    }
    if !fresh(&p["Timestamp"]) {
        return Err((
            StatusCode::BAD_REQUEST,
            "InvalidTimeStamp.Expired".into(),
            "Specified time stamp or date value is expired.".into(),
        ));
    }
    s.nonces.retain(|_, at| at.elapsed() < NONCE_WINDOW);
    if s.nonces.insert(p["SignatureNonce"].clone(), Instant::now()).is_some() {
        return Err((
            StatusCode::BAD_REQUEST,
            "SignatureNonceUsed".into(),
            "Specified signature nonce was used already.".into(),
        ));
    }
    Ok(())
}

/// Within 15 minutes of now (Aliyun §2).
fn fresh(ts: &str) -> bool {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::PrimitiveDateTime::parse(ts, &fmt)
        .map(|t| (t.assume_utc() - time::OffsetDateTime::now_utc()).abs() <= time::Duration::minutes(15))
        .unwrap_or(false)
}

fn gateway_error(code: &str, message: &str) -> Value {
    json!({ "RequestId": actions::request_id(), "HostId": "dysmsapi.aliyuncs.com", "Code": code, "Message": message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}") })
}
