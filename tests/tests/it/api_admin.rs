//! The REST API's settings, vendor and team endpoints through real HTTP: secrets are
//! write-only, the console's validation and invariants hold, test sends reach the sandbox, and
//! a token over its rate limit gets 429 with Retry-After.

use crate::api::Api;
use crate::common;
use serde_json::{json, Value};

async fn admin_api(t: &common::TestApp) -> Api<'_> {
    t.login().await;
    Api { t, token: common::add_token(t, "ops-admin", "admin").await }
}

#[tokio::test]
async fn vendor_cards_are_written_through_the_api_and_never_read_back_with_secrets() {
    let t = common::spawn_app().await;
    let api = admin_api(&t).await;
    let card = json!({"enabled": true, "signature": "【示例商城】", "account": "N0001", "host": "smssh1.253.com",
        "password": common::PLANTED, "market_account": "M0001", "market_password": common::PLANTED});
    let saved = api.ok("PUT", "/api/v1/vendors/chuanglan", Some(card)).await;
    assert_eq!((saved["has_password"].as_bool(), saved["has_market_password"].as_bool()), (Some(true), Some(true)));
    let keep = json!({"enabled": false, "signature": "【示例商城】", "account": "N0002", "host": "smssh1.253.com",
        "market_account": "M0001"});
    let kept = api.ok("PUT", "/api/v1/vendors/chuanglan", Some(keep)).await;
    assert_eq!((kept["account"].as_str(), kept["has_password"].as_bool()), (Some("N0002"), Some(true)), "{kept}");
    let aliyun = json!({"enabled": true, "signature": "示例商城", "access_key_id": "LTAI0001",
        "access_key_secret": common::PLANTED, "endpoint": "http://127.0.0.1:9"});
    assert_eq!(api.ok("PUT", "/api/v1/vendors/aliyun", Some(aliyun)).await["has_secret"], true);
    let all = api.ok("GET", "/api/v1/settings/sms", None).await;
    assert!(!all.to_string().contains(common::PLANTED), "no secret in any answer: {all}");
    assert_eq!(
        (all["chuanglan"]["enabled"].as_bool(), all["aliyun"]["has_secret"].as_bool()),
        (Some(false), Some(true))
    );
    let bad = json!({"enabled": true, "signature": "", "account": "", "host": "smssh1.253.com"});
    let (status, v) = api.send("PUT", "/api/v1/vendors/chuanglan", Some(bad)).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("validation_failed")), "{v}");
    let (status, v) = api.send("POST", "/api/v1/vendors/aliyun/test", None).await;
    assert!(status >= 400 && v["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{status} {v}");
    let viewer = Api { t: &t, token: common::add_token(&t, "look", "viewer").await };
    assert_eq!(viewer.ok("GET", "/api/v1/settings/sms", None).await["chuanglan"]["account"], "N0002");
    let (status, _) = viewer.send("PUT", "/api/v1/settings/phone-attribute", Some(json!({"name": "mobile"}))).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_phone_attribute_and_a_sandbox_test_send_work_through_the_api() {
    let (t, _) = common::seeded(3).await;
    let api = Api { t: &t, token: common::add_token(&t, "ops-admin", "admin").await };
    let (status, v) = api.send("PUT", "/api/v1/settings/phone-attribute", Some(json!({"name": " "}))).await;
    assert_eq!(status, 422, "{v}");
    let set = api.ok("PUT", "/api/v1/settings/phone-attribute", Some(json!({"name": "phone"}))).await;
    assert_eq!(set["phone_attribute"], "phone");
    assert_eq!(api.ok("PUT", "/api/v1/vendors/chuanglan/sandbox", Some(json!({"on": false}))).await["sandbox"], false);
    let (status, v) = api.send("POST", "/api/v1/vendors/chuanglan/test", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("rejected")), "no card, no sandbox: {v}");
    assert_eq!(api.ok("PUT", "/api/v1/vendors/chuanglan/sandbox", Some(json!({"on": true}))).await["sandbox"], true);
    let conn = api.ok("POST", "/api/v1/vendors/chuanglan/test", None).await;
    assert!(conn["message"].as_str().is_some_and(|m| m.contains("沙箱") && m.contains("连接成功")), "{conn}");
    let body = json!({"phones": ["13700000001", "137 0000 0002", "12345"], "content": "您好，{$var}的验证码是 1234",
        "values": ["张三"]});
    let sent = api.ok("POST", "/api/v1/vendors/chuanglan/test-send", Some(body)).await;
    assert_eq!(sent["sandbox"], true);
    assert_eq!(sent["sent_to"], json!(["137****0001", "137****0002"]), "{sent}");
    assert_eq!(sent["invalid"][0]["input"], "12345", "{sent}");
    assert!(!sent["msg_id"].as_str().unwrap_or_default().is_empty(), "{sent}");
    let missing = json!({"phones": ["13700000001"], "content": "您好，{$var}", "values": []});
    let (status, v) = api.send("POST", "/api/v1/vendors/chuanglan/test-send", Some(missing)).await;
    let fields: Vec<&str> =
        v["error"]["fields"].as_array().into_iter().flatten().filter_map(|f| f["field"].as_str()).collect();
    assert_eq!((status, fields), (422, vec!["test_values"]), "{v}");
    let page = common::json_call(
        &t,
        "audit/page",
        json!({"query": {"actor": "API:ops-admin", "action": "", "from": "", "to": "", "before": ""}}),
    )
    .await;
    let actions: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().filter_map(|r| r["action"].as_str()).collect();
    for a in ["settings_phone_attribute", "settings_chuanglan_sandbox", "vendor_test_send"] {
        assert!(actions.contains(&a), "{a} audited under the token: {actions:?}");
    }
}

#[tokio::test]
async fn accounts_roles_and_tokens_are_administered_through_the_api() {
    let t = common::spawn_app().await;
    let api = admin_api(&t).await;
    let roles = api.ok("GET", "/api/v1/roles", None).await;
    let names: Vec<&str> = roles.as_array().expect("roles").iter().filter_map(|r| r["role"].as_str()).collect();
    assert_eq!(names, ["admin", "operator", "viewer"]);
    let weak = json!({"username": "li.lei", "role": "operator", "password": "short"});
    let (status, v) = api.send("POST", "/api/v1/accounts", Some(weak)).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("password")), "{v}");
    let (status, v) = api
        .send(
            "POST",
            "/api/v1/accounts",
            Some(json!({"username": "x", "role": "boss",
        "password": "long-password-1"})),
        )
        .await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("role")), "{v}");
    let body = json!({"username": "li.lei", "role": "operator", "password": "long-password-1"});
    let (status, made) = api.send("POST", "/api/v1/accounts", Some(body.clone())).await;
    assert_eq!((status, made["role"].as_str()), (201, Some("operator")), "{made}");
    assert!(!made.to_string().contains("long-password-1"));
    assert_eq!(api.send("POST", "/api/v1/accounts", Some(body)).await.0, 422, "duplicate name");
    let id = made["id"].as_i64().expect("id");
    let changed =
        api.ok("PATCH", &format!("/api/v1/accounts/{id}"), Some(json!({"role": "viewer", "disabled": true}))).await;
    assert_eq!((changed["role"].as_str(), changed["disabled"].as_bool()), (Some("viewer"), Some(true)));
    let (status, v) = api.send("PATCH", "/api/v1/accounts/1", Some(json!({"disabled": true}))).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")), "the last admin stays: {v}");
    assert_eq!(api.send("PATCH", "/api/v1/accounts/9999", Some(json!({"role": "viewer"}))).await.0, 404);
    let listed = api.ok("GET", "/api/v1/accounts", None).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");

    let (status, minted) =
        api.send("POST", "/api/v1/tokens", Some(json!({"name": "crm", "role": "viewer", "days": 30}))).await;
    assert_eq!(status, 201, "{minted}");
    let token = minted["token"].as_str().expect("token").to_owned();
    let crm = Api { t: &t, token: token.clone() };
    crm.ok("GET", "/api/v1/attributes", None).await;
    let tokens = api.ok("GET", "/api/v1/tokens", None).await;
    assert!(!tokens.to_string().contains(&token[10..]), "the list shows only prefixes");
    let row = tokens.as_array().expect("tokens").iter().find(|r| r["name"] == "crm").cloned().unwrap_or(Value::Null);
    assert_eq!(row["created_by"], "admin", "a minted token belongs to the admin behind the calling token: {row}");
    let (status, _) = api.send("POST", "/api/v1/tokens", Some(json!({"name": "x", "role": "viewer", "days": 0}))).await;
    assert_eq!(status, 422);
    assert_eq!(api.send("DELETE", &format!("/api/v1/tokens/{}", row["id"]), None).await.0, 204);
    assert_eq!(crm.send("GET", "/api/v1/attributes", None).await.0, 401, "revoked at once");
    assert_eq!(api.send("DELETE", "/api/v1/tokens/9999", None).await.0, 404);
}

#[tokio::test]
async fn a_token_over_its_rate_limit_gets_429_with_retry_after() {
    let t = common::spawn_app_with(|s| {
        s.api.rate_per_minute = 60;
        s.api.burst = 3;
    })
    .await;
    t.login().await;
    let token = common::add_token(&t, "busy", "viewer").await;
    let other = Api { t: &t, token: common::add_token(&t, "calm", "viewer").await };
    let call = || reqwest::Client::new().get(t.url("/api/v1/attributes")).bearer_auth(&token).send();
    for _ in 0..3 {
        assert_eq!(call().await.expect("call").status(), 200);
    }
    let res = call().await.expect("call");
    assert_eq!(res.status(), 429);
    let wait: u64 = res.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=2).contains(&wait), "{wait}");
    let v: Value = res.json().await.expect("json");
    assert_eq!(v["error"]["code"], "rate_limited", "{v}");
    other.ok("GET", "/api/v1/attributes", None).await;
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(call().await.expect("call").status(), 200, "one call refilled after a second");
}
