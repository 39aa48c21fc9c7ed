//! Roles through real HTTP: every server function, bulk route and admin page against each
//! role (allowed → not 401/403, others → 403, no session → 401); the last-admin rule;
//! disabling an account; cross-origin mutating requests.

use crate::common;

use serde_json::json;

const PW: &str = "role-test-password";

/// The least role each server function needs — the policy, stated independently of the code.
fn needed(endpoint: &str) -> &'static str {
    match endpoint {
        e if e.starts_with("accounts/") || e.starts_with("tokens/") || e.starts_with("audit/") => "admin",
        "settings/phone-attribute"
        | "settings/chuanglan"
        | "settings/aliyun"
        | "settings/chuanglan/test"
        | "settings/aliyun/test"
        | "settings/chuanglan/sandbox"
        | "settings/chuanglan/test-send"
        | "settings/aliyun/test-send"
        | "settings/callbacks"
        | "compliance/policy/save" => "admin",
        "users/reveal-phone"
        | "segments/save"
        | "segments/delete"
        | "campaigns/options"
        | "campaigns/test-send"
        | "campaigns/preview"
        | "campaigns/create"
        | "campaigns/start"
        | "campaigns/control"
        | "campaigns/resend-failed"
        | "settings/aliyun/template"
        | "suppressions/add"
        | "suppressions/remove" => "operator",
        _ => "viewer",
    }
}

fn rank(role: &str) -> u8 {
    match role {
        "admin" => 3,
        "operator" => 2,
        _ => 1,
    }
}

async fn post(http: &reqwest::Client, url: String, body: &serde_json::Value) -> (u16, String) {
    let res = http.post(url).json(body).send().await.expect("call");
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

#[tokio::test]
async fn every_server_function_enforces_its_role() {
    let (t, seg) = common::seeded(4).await;
    common::add_account(&t, "ops", "operator", PW).await;
    common::add_account(&t, "look", "viewer", PW).await;
    let clients = [
        ("admin", t.http.clone()),
        ("operator", common::signed_in(&t, "ops", PW).await),
        ("viewer", common::signed_in(&t, "look", PW).await),
    ];
    let anonymous = common::client();
    for (endpoint, mut body) in common::all_server_fns() {
        if endpoint == "auth/logout" {
            continue; // would end the session the rest of the table uses; see auth.rs
        }
        if let Some(form) = body.get_mut("form").filter(|f| f.get("segment_id").is_some()) {
            form["segment_id"] = json!(seg);
        }
        let url = t.url(&format!("/api/{endpoint}"));
        let (status, text) = post(&anonymous, url.clone(), &body).await;
        assert_eq!(status, 401, "{endpoint} without session: {text}");
        for (role, http) in &clients {
            let (status, text) = post(http, url.clone(), &body).await;
            if rank(role) >= rank(needed(endpoint)) {
                assert!(![401, 403, 405].contains(&status), "{endpoint} as {role} must be allowed: {status} {text}");
            } else {
                assert_eq!(status, 403, "{endpoint} as {role} must be refused: {text}");
                assert!(text.contains("Forbidden"), "{endpoint}: {text}");
            }
        }
    }
}

#[tokio::test]
async fn bulk_routes_and_admin_pages_enforce_roles() {
    let (t, seg) = common::seeded(3).await;
    common::add_account(&t, "ops", "operator", PW).await;
    common::add_account(&t, "look", "viewer", PW).await;
    let viewer = common::signed_in(&t, "look", PW).await;
    let operator = common::signed_in(&t, "ops", PW).await;
    let upload = |http: &reqwest::Client| {
        let part = reqwest::multipart::Part::bytes(b"user_id,phone\nz1,13900000999\n".to_vec()).file_name("z.csv");
        http.post(t.url("/api/users/import")).multipart(reqwest::multipart::Form::new().part("file", part)).send()
    };
    assert_eq!(upload(&viewer).await.expect("upload").status(), 403, "viewers cannot import");
    assert_eq!(upload(&operator).await.expect("upload").status(), 200, "operators can");
    let get = |http: &reqwest::Client, path: &str| http.get(t.url(path)).send();
    for path in [format!("/api/segments/{seg}/members.csv"), "/api/ledger.csv".into()] {
        assert_eq!(get(&viewer, &path).await.expect("get").status(), 200, "{path} is a masked view");
        assert_eq!(get(&common::client(), &path).await.expect("get").status(), 401, "{path}");
    }
    assert_eq!(get(&viewer, "/api/users/imports/1/bad-rows.csv").await.expect("get").status(), 403);
    for page in ["/admin/accounts", "/admin/tokens", "/admin/audit"] {
        assert_eq!(get(&viewer, page).await.expect("page").status(), 403, "{page} as viewer");
        assert_eq!(get(&operator, page).await.expect("page").status(), 403, "{page} as operator");
        let (status, body) = t.get_page(page).await;
        assert_eq!(status, 200, "{page} as admin");
        assert!(body.contains("审计日志") && body.contains("账号管理"), "admin navigation on {page}");
    }
    let html = viewer.get(t.url("/campaigns")).send().await.expect("page").text().await.expect("body");
    assert!(html.contains("活动") && !html.contains("/admin/accounts"), "viewers get no admin links");
    assert!(!html.contains("new-campaign"), "nor 新建活动");
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_be_demoted_or_disabled() {
    let t = common::spawn_app().await;
    t.login().await;
    let me = common::json_call(&t, "accounts/list", json!({})).await[0]["id"].as_i64().expect("id");
    for (endpoint, body) in [
        ("accounts/role", json!({"id": me, "role": "operator"})),
        ("accounts/disable", json!({"id": me, "disabled": true})),
    ] {
        let (status, text) = t.call(endpoint, body).await;
        assert_eq!(status, 409, "{endpoint}: {text}");
        assert!(text.contains("至少要保留一个启用的管理员账号"), "{text}");
    }
    common::add_account(&t, "second", "admin", PW).await;
    assert_eq!(t.call("accounts/role", json!({"id": me, "role": "operator"})).await.0, 200, "another admin exists");
    let (status, _) = t.call("accounts/list", json!({})).await;
    assert_eq!(status, 403, "the demoted admin lost admin rights at once");
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in() {
    let t = common::spawn_app().await;
    t.login().await;
    let id = common::add_account(&t, "temp", "operator", PW).await;
    let temp = common::signed_in(&t, "temp", PW).await;
    assert_eq!(post(&temp, t.url("/api/auth/me"), &json!({})).await.0, 200);
    common::json_call(&t, "accounts/disable", json!({"id": id, "disabled": true})).await;
    assert_eq!(post(&temp, t.url("/api/auth/me"), &json!({})).await.0, 401, "its session ended");
    let again = t.login_as("temp", PW).await.text().await.expect("body");
    assert!(again.contains("用户名或密码错误"), "same answer as a wrong password: {again}");
    common::json_call(&t, "accounts/disable", json!({"id": id, "disabled": false})).await;
    common::json_call(&t, "accounts/password", json!({"id": id, "password": "reset-by-admin-1"})).await;
    assert_eq!(t.login_as("temp", PW).await.status(), 400, "the old password no longer works");
    assert_eq!(t.login_as("temp", "reset-by-admin-1").await.status(), 200);
}

#[tokio::test]
async fn account_form_errors_are_shown_beside_their_fields() {
    let t = common::spawn_app().await;
    t.login().await;
    let bad = |u: &str, r: &str, p: &str| json!({"form": {"username": u, "role": r, "password": p}});
    let (status, text) = t.call("accounts/create", bad("a b", "viewer", "long-enough-pw")).await;
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("username") && text.contains("2–32"), "{text}");
    let (_, text) = t.call("accounts/create", bad("newbie", "viewer", "short")).await;
    assert!(text.contains("password") && text.contains("至少需要 10 个字符"), "{text}");
    let (_, text) = t.call("accounts/create", bad("newbie", "root", "long-enough-pw")).await;
    assert!(text.contains("role"), "{text}");
    let (_, text) = t.call("accounts/create", bad("admin", "viewer", "long-enough-pw")).await;
    assert!(text.contains("该用户名已存在"), "{text}");
}

#[tokio::test]
async fn cross_origin_mutating_requests_are_refused() {
    let t = common::spawn_app().await;
    t.login().await;
    let call = |origin: Option<&str>, site: Option<&str>| {
        let mut req = t.http.post(t.url("/api/auth/me")).json(&json!({}));
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = site {
            req = req.header("sec-fetch-site", s);
        }
        req.send()
    };
    assert_eq!(call(Some("http://evil.example"), None).await.expect("call").status(), 403);
    assert_eq!(call(None, Some("cross-site")).await.expect("call").status(), 403);
    assert_eq!(call(Some(&t.app.url()), Some("same-origin")).await.expect("call").status(), 200);
    assert_eq!(call(None, None).await.expect("call").status(), 200, "non-browser clients send neither");
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_that_their_scripts_match() {
    let t = common::spawn_app().await;
    let res = t.http.get(t.url("/login")).send().await.expect("page");
    let csp = res.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    for part in ["default-src 'self'", "'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(part), "{csp}");
    }
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce").to_owned();
    let html = res.text().await.expect("body");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries this response's nonce");
    let again = t.http.get(t.url("/login")).send().await.expect("page");
    assert!(
        !again.headers()["content-security-policy"].to_str().expect("ascii").contains(&nonce),
        "fresh per response"
    );
    let json = t.http.post(t.url("/api/auth/me")).json(&json!({})).send().await.expect("call");
    assert!(json.headers()["content-security-policy"].to_str().expect("ascii").contains("script-src 'none'"));
    assert_eq!(json.headers()["x-content-type-options"], "nosniff");
}
