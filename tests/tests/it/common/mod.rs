//! `spawn_app()`: the real server on 127.0.0.1:0 with a temporary data directory.

#![allow(dead_code)]

use server::config::Settings;
use server::Application;
use std::path::Path;

pub const ADMIN_PASSWORD: &str = "integration-admin-pw";
/// A value planted as a vendor secret; it must never come back in any response.
pub const PLANTED: &str = "Planted-Secret-7f3a9c";

pub struct TestApp {
    pub app: Application,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
}

pub fn settings(dir: &Path) -> Settings {
    let mut s = Settings::default();
    s.server.listen = "127.0.0.1:0".into();
    s.storage.data_dir = dir.to_path_buf();
    s.auth.admin_password = ADMIN_PASSWORD.into();
    s
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The server with `change` applied to the test settings.
pub async fn spawn_app_with(change: impl FnOnce(&mut Settings)) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut s = settings(dir.path());
    change(&mut s);
    let app = Application::build(&s).await.expect("server starts");
    TestApp { app, dir, http: client() }
}

/// Calls a server function that must succeed and returns its JSON.
pub async fn json_call(app: &TestApp, endpoint: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, text) = app.call(endpoint, body).await;
    assert_eq!(status, 200, "{endpoint}: {text}");
    serde_json::from_str(&text).expect("json")
}

/// A signed-in server with `users` users (u0… with phones 1390000xxxx, a name on every second
/// one, plus one without a phone), the sandbox on, and a segment of the named users.
pub async fn seeded(users: usize) -> (TestApp, i64) {
    seeded_with(users, |_| {}).await
}

pub async fn seeded_with(users: usize, change: impl FnOnce(&mut Settings)) -> (TestApp, i64) {
    let app = spawn_app_with(change).await;
    app.login().await;
    let mut csv = String::from("user_id,phone,name\n");
    for i in 0..users {
        let name = if i % 2 == 0 { format!("用户{i}") } else { String::new() };
        csv.push_str(&format!("u{i},{},{name}\n", 13_900_000_000u64 + i as u64));
    }
    csv.push_str("x1,,无号\n");
    let id = sandbox_audience(&app, csv).await;
    (app, id)
}

/// Imports `csv` (columns user_id, phone, name), turns on 沙箱模式 with an all-day window and
/// saves the segment of users with a name; returns the segment id.
pub async fn sandbox_audience(app: &TestApp, csv: String) -> i64 {
    use serde_json::json;
    let part = reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("u.csv");
    let form = reqwest::multipart::Form::new().part("file", part);
    let res = app.http.post(app.url("/api/users/import")).multipart(form).send().await.expect("upload");
    assert_eq!(res.status(), 200);
    json_call(app, "settings/chuanglan/sandbox", json!({"on": true})).await;
    always_open(app).await;
    let seg = json!({"form": {"id": null, "name": "全部", "description": "", "kind": "rule", "list": "",
        "rule": {"all": true, "conditions": [{"attribute": "name", "op": "is_set", "values": []}], "groups": []}}});
    json_call(app, "segments/save", seg).await["id"].as_i64().expect("segment")
}

/// The compliance policy with a marketing window of the whole day, so tests that are not about
/// the window do not depend on the time of day they run at.
pub async fn always_open(app: &TestApp) {
    set_window(app, "00:00", "24:00").await;
}

pub async fn set_window(app: &TestApp, start: &str, end: &str) {
    let mut p = json_call(app, "compliance/policy", serde_json::json!({})).await;
    p["window_start"] = serde_json::json!(start);
    p["window_end"] = serde_json::json!(end);
    json_call(app, "compliance/policy/save", serde_json::json!({"form": p})).await;
}

/// Polls the campaign until it reaches `status`.
pub async fn wait_status(app: &TestApp, id: i64, status: &str) -> serde_json::Value {
    for _ in 0..400 {
        let c = json_call(app, "campaigns/get", serde_json::json!({"id": id})).await;
        if c["row"]["status"] == status {
            return c;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("campaign {id} never became {status}");
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.app.url())
    }

    /// Calls a JSON server function; returns status and body text.
    pub async fn call(&self, endpoint: &str, body: serde_json::Value) -> (u16, String) {
        let res = self.http.post(self.url(&format!("/api/{endpoint}"))).json(&body).send().await.expect("call");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    pub async fn login_as(&self, username: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/auth/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .expect("login")
    }

    pub async fn login(&self) {
        let res = self.login_as("admin", ADMIN_PASSWORD).await;
        assert_eq!(res.status(), 200, "admin login");
    }

    pub async fn get_page(&self, path: &str) -> (u16, String) {
        let res = self.http.get(self.url(path)).send().await.expect("page");
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }

    /// Restarts the server on the same data directory.
    pub async fn restart(mut self) -> TestApp {
        self.app.stop().await.expect("stop");
        let app = Application::build(&settings(self.dir.path())).await.expect("restart");
        TestApp { app, dir: self.dir, http: client() }
    }
}

pub fn chuanglan_form(password: &str) -> serde_json::Value {
    serde_json::json!({ "form": {
        "enabled": true,
        "signature": "【示例商城】",
        "account": "N1234567",
        "host": "https://smssh1.253.com/msg/send/json",
        "password": password,
    }})
}

/// Every JSON server function of the console with a harmless body.
/// A one-condition rule segment as the editor submits it.
pub fn segment_form(name: &str, attribute: &str, op: &str, values: &[&str]) -> serde_json::Value {
    serde_json::json!({
        "id": null, "name": name, "description": "", "kind": "rule", "list": "",
        "rule": {"all": true, "conditions": [{"attribute": attribute, "op": op, "values": values}]}
    })
}

/// A 创蓝 free-text campaign with one `{$var}` bound to `name` (fallback 会员).
pub fn campaign_form(segment: i64) -> serde_json::Value {
    serde_json::json!({
        "name": "周年庆", "segment_id": segment, "vendor": "chuanglan", "signature": "示例商城", "mode": "text",
        "content": "{$var}您好，周年庆满100减20，拒收请回复R", "template_id": "", "template_params": "",
        "bindings": [{"attribute": "name", "fallback": "会员", "skip": false}], "schedule": ""
    })
}

pub fn all_server_fns() -> Vec<(&'static str, serde_json::Value)> {
    use serde_json::json;
    vec![
        ("auth/logout", json!({})),
        ("auth/me", json!({})),
        ("onboarding/status", json!({})),
        ("onboarding/dismiss", json!({"dismissed": false})),
        ("auth/password", json!({"current": "x", "new_password": "y", "confirm": "y"})),
        ("settings/sms", json!({})),
        ("settings/phone-attribute", json!({"name": "phone"})),
        ("settings/chuanglan", chuanglan_form("x")),
        (
            "settings/aliyun",
            json!({"form": {"enabled": false, "signature": "", "access_key_id": "", "access_key_secret": "", "endpoint": ""}}),
        ),
        ("settings/chuanglan/test", json!({})),
        ("settings/aliyun/test", json!({})),
        ("settings/chuanglan/sandbox", json!({"on": true})),
        ("settings/aliyun/template", json!({"code": "SMS_1"})),
        (
            "settings/aliyun/test-send",
            json!({"form": {"phones": "13800138000", "content": "", "template_id": "SMS_1", "values": []}}),
        ),
        (
            "settings/chuanglan/test-send",
            json!({"form": {"phones": "13800138000", "content": "x", "template_id": "", "values": []}}),
        ),
        ("users/overview", json!({})),
        ("users/import-result", json!({"id": 1})),
        ("users/find", json!({"query": "u1"})),
        ("users/detail", json!({"user_id": "u1"})),
        ("users/reveal-phone", json!({"user_id": "u1"})),
        ("segments/list", json!({})),
        ("segments/attributes", json!({})),
        ("segments/count", json!({"rule": {"all": true, "conditions": []}})),
        ("segments/save", json!({"form": segment_form("x", "city", "eq", &["上海"])})),
        ("segments/delete", json!({"id": 1})),
        ("segments/members", json!({"id": 1, "offset": 0})),
        ("campaigns/options", json!({})),
        ("campaigns/test-send", json!({"form": campaign_form(1), "phones": "13800138000"})),
        ("campaigns/preview", json!({"form": campaign_form(1)})),
        ("campaigns/create", json!({"form": campaign_form(1), "start_now": true, "key": "k"})),
        ("campaigns/start", json!({"id": 1, "key": "k"})),
        ("campaigns/control", json!({"id": 1, "action": "pause"})),
        ("campaigns/list", json!({})),
        ("campaigns/get", json!({"id": 1})),
        ("campaigns/stats", json!({"id": 1})),
        ("campaigns/resend-failed", json!({"id": 1})),
        ("settings/callbacks", json!({})),
        (
            "ledger/page",
            json!({"query": {"campaign": "", "status": "", "vendor": "", "from": "", "to": "", "phone": "", "before": ""}}),
        ),
        ("ledger/trace", json!({"phone": "13800138000", "user_id": "", "message": null})),
        ("accounts/list", json!({})),
        (
            "accounts/create",
            json!({"form": {"username": "someone", "role": "viewer", "password": "a-long-password-1"}}),
        ),
        ("accounts/role", json!({"id": 999, "role": "viewer"})),
        ("accounts/disable", json!({"id": 999, "disabled": true})),
        ("accounts/password", json!({"id": 999, "password": "a-long-password-2"})),
        ("tokens/list", json!({})),
        ("tokens/create", json!({"name": "t", "role": "viewer"})),
        ("tokens/revoke", json!({"id": 999})),
        ("audit/page", json!({"query": {"actor": "", "action": "", "from": "", "to": "", "before": ""}})),
        ("compliance/policy", json!({})),
        (
            "compliance/policy/save",
            json!({"form": {"window_start": "08:00", "window_end": "21:00", "daily_cap": 3, "weekly_cap": 0,
                "suppress_notifications": false, "consent_attribute": "", "require_consent": false,
                "retention_days": 180}}),
        ),
        ("compliance/check-content", json!({"kind": "marketing", "signature": "示例商城", "content": "x"})),
        ("suppressions/list", json!({"search": "", "after": null})),
        ("suppressions/add", json!({"phones": "13800138000", "reason": "r"})),
        ("suppressions/remove", json!({"phone": "13800138000", "reason": "r"})),
    ]
}

/// A cookie client signed in as `username`.
pub async fn signed_in(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let http = client();
    let res = http
        .post(app.url("/api/auth/login"))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200, "login as {username}");
    http
}

/// Creates an account with `role` through 账号管理 (as the admin) and returns its id.
pub async fn add_account(app: &TestApp, username: &str, role: &str, password: &str) -> i64 {
    let form = serde_json::json!({"form": {"username": username, "role": role, "password": password}});
    json_call(app, "accounts/create", form).await.as_i64().expect("account id")
}

/// Creates an API token with `role` (as the admin) and returns it in full.
pub async fn add_token(app: &TestApp, name: &str, role: &str) -> String {
    let t = json_call(app, "tokens/create", serde_json::json!({"name": name, "role": role})).await;
    t["token"].as_str().expect("token").to_owned()
}
