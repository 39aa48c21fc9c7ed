//! Faults an operator meets in normal use: a database locked by another writer, a shutdown
//! while requests are in flight, imports racing segment counts, guessed phone numbers, foreign
//! Host headers. Real server, real sandbox simulator.

use crate::common;

use common::{campaign_form, json_call, seeded, seeded_with, wait_status, TestApp};
use serde_json::json;
use sqlx::Connection;
use std::time::{Duration, Instant};

async fn start_campaign(app: &TestApp, seg: i64) -> i64 {
    let body = json!({"form": campaign_form(seg), "start_now": true, "key": "reliability"});
    json_call(app, "campaigns/create", body).await.as_i64().expect("id")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.app.state.db).await.expect("count")
}

async fn health(app: &TestApp) -> (u16, serde_json::Value) {
    let res = app.http.get(app.url("/api/health")).send().await.expect("health");
    (res.status().as_u16(), res.json().await.expect("json"))
}

/// Another process holds SQLite's write lock for longer than the busy timeout while the
/// campaign sends: the sender retries instead of dying, records every vendor answer it already
/// has, reports the fault on /api/health, and the campaign completes.
#[tokio::test]
async fn the_sender_survives_a_locked_database_and_loses_no_answer() {
    let (app, seg) = seeded(4_000).await;
    app.app.sandbox.configure(|c| c.latency_ms = 300);
    let mut blocker =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", app.dir.path().join("chuda.db").display()))
            .await
            .expect("second connection");
    let id = start_campaign(&app, seg).await;
    sqlx::query("BEGIN IMMEDIATE").execute(&mut blocker).await.expect("take the write lock");
    let locked = Instant::now();
    // Held at least 8 s, and on until the fault shows (a busy machine may start the runner, or
    // answer the health request, only after the 5 s busy timeout), at most 30 s.
    let mut degraded = false;
    while locked.elapsed() < Duration::from_secs(8) || (!degraded && locked.elapsed() < Duration::from_secs(30)) {
        let (status, body) = health(&app).await;
        if status == 503 && body["services"]["dispatcher"]["ok"] == false {
            degraded = true;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    sqlx::query("ROLLBACK").execute(&mut blocker).await.expect("release");
    assert!(degraded, "the dispatcher's database fault shows on /api/health");
    let done = wait_status(&app, id, "completed").await;
    assert_eq!(done["row"]["submitted"], 2_000, "{done}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM batches WHERE status IN ('sending', 'queued', 'unknown')").await, 0);
    let mut healthy = false;
    for _ in 0..40 {
        if health(&app).await.0 == 200 {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(healthy, "health recovers: {}", health(&app).await.1);
}

/// A stop while vendor requests are in flight waits for their answers and records them, so
/// the next start finds nothing 结果未知.
#[tokio::test]
async fn a_shutdown_records_the_answers_of_requests_in_flight() {
    let (app, seg) = seeded(2_000).await;
    app.app.sandbox.configure(|c| c.latency_ms = 1_500);
    start_campaign(&app, seg).await;
    for _ in 0..100 {
        if count(&app, "SELECT COUNT(*) FROM batches WHERE status = 'sending'").await > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(count(&app, "SELECT COUNT(*) FROM batches WHERE status = 'sending'").await > 0, "a request is in flight");
    let stopping = Instant::now();
    let app = app.restart().await;
    assert!(stopping.elapsed() >= Duration::from_millis(500), "the stop waited for the vendor");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM batches WHERE status = 'unknown'").await, 0, "nothing left unknown");
    assert!(count(&app, "SELECT COUNT(*) FROM batches WHERE status = 'submitted'").await > 0);
}

/// Imports through the API keep changing the user range while segment counts run: every
/// count answers (no index past a column's end), and the last one sees every user.
#[tokio::test]
async fn segment_counts_stay_correct_while_imports_run() {
    // A load test of one token: no call budget.
    let (app, _) = common::seeded_with(10, |s| s.api.rate_per_minute = 0).await;
    let token = common::add_token(&app, "load", "operator").await;
    let rule = json!({"kind": "all", "rules": [{"kind": "cond", "attribute": "tier", "op": "eq", "values": ["gold"]}]});
    let first = json!([{"user_id": "s0", "phone": "13700000000", "tier": "gold"}]);
    let post = |path: &str, body: serde_json::Value| app.http.post(app.url(path)).bearer_auth(&token).json(&body);
    assert_eq!(post("/api/v1/users", first).send().await.expect("seed").status(), 200);
    let seg = post("/api/v1/segments", json!({"name": "金卡", "rule": rule})).send().await.expect("segment");
    let seg: serde_json::Value = seg.json().await.expect("json");
    let count_url = app.url(&format!("/api/v1/segments/{}/count", seg["id"]));
    let importer = async {
        for round in 1..=10 {
            let users: Vec<_> = (0..200)
                .map(|i| json!({"user_id": format!("s{round}-{i}"), "phone": format!("137{:08}", round * 1000 + i), "tier": "gold"}))
                .collect();
            let res = post("/api/v1/users", json!(users)).send().await.expect("import");
            assert_eq!(res.status(), 200, "import round {round}");
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    };
    let counter = async {
        let mut answered = 0;
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            let res = app.http.get(&count_url).bearer_auth(&token).send().await.expect("count");
            assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
            answered += 1;
        }
        answered
    };
    let ((), answered) = tokio::join!(importer, counter);
    assert!(answered > 10, "counts ran meanwhile: {answered}");
    let last: serde_json::Value =
        app.http.get(&count_url).bearer_auth(&token).send().await.expect("count").json().await.expect("json");
    assert_eq!(last["members"], 2_001, "{last}");
}

/// Looking a number up in full confirms whether chuda knows it: each lookup is audited and an
/// account gets a bounded number of them.
#[tokio::test]
async fn full_phone_lookups_are_audited_and_limited_per_account() {
    let (app, _) = seeded_with(3, |_| {}).await;
    common::add_account(&app, "viewer1", "viewer", "viewer-password-1").await;
    let viewer = TestApp { app: app.app, dir: app.dir, http: common::client() };
    assert_eq!(viewer.login_as("viewer1", "viewer-password-1").await.status(), 200);
    let limit = 60;
    for i in 0..limit {
        let (status, body) = viewer.call("users/find", json!({"query": format!("1390000{:04}", i % 3)})).await;
        assert_eq!(status, 200, "lookup {i}: {body}");
    }
    let (status, body) = viewer.call("users/find", json!({"query": "13900000001"})).await;
    assert!(status >= 400 && body.contains("过于频繁"), "{status} {body}");
    let (status, _) = viewer.call("users/find", json!({"query": "u1"})).await;
    assert_eq!(status, 200, "lookups by user id are not limited");
    let audited =
        count(&viewer, "SELECT COUNT(*) FROM audit_log WHERE action = 'lookup_phone' AND actor = 'viewer1'").await;
    assert_eq!(audited, limit as i64);
    let full: i64 =
        count(&viewer, "SELECT COUNT(*) FROM audit_log WHERE action = 'lookup_phone' AND target LIKE '%1390000000%'")
            .await;
    assert_eq!(full, 0, "the audit log keeps the number masked");
}

/// A page on another site that points its own name at 127.0.0.1 (DNS rebinding) is refused;
/// responses are not cached.
#[tokio::test]
async fn foreign_host_headers_are_refused_and_nothing_is_cached() {
    let app = common::spawn_app().await;
    let res = app.http.get(app.url("/login")).header("Host", "rebind.attacker.example").send().await.expect("get");
    assert_eq!(res.status(), 421);
    let res = app.http.get(app.url("/api/health")).send().await.expect("health");
    assert_eq!(res.status(), 200, "health is per console: other tests' faults do not show here");
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert!(res.headers().get("strict-transport-security").is_none(), "no HSTS over plain http");
    let secure = common::spawn_app_with(|s| s.server.secure_cookies = true).await;
    let res = secure.http.get(secure.url("/login")).send().await.expect("get");
    assert!(res.headers()["strict-transport-security"].to_str().expect("hsts").contains("max-age="));
}
