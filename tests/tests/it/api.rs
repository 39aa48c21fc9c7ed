//! The REST API through real HTTP: bearer tokens and their roles on every route, revocation,
//! JSON errors with stable codes, cursor pagination, the OpenAPI document against the live
//! routes, an API-only send from users to a completed sandbox campaign, and the audit log.

use crate::common;

use serde_json::{json, Value};

pub struct Api<'a> {
    pub t: &'a common::TestApp,
    pub token: String,
}

impl Api<'_> {
    pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = self.t.url(path);
        let http = reqwest::Client::new();
        let mut req = match method {
            "POST" => http.post(url),
            "PUT" => http.put(url),
            "PATCH" => http.patch(url),
            "DELETE" => http.delete(url),
            _ => http.get(url),
        };
        if !self.token.is_empty() {
            req = req.bearer_auth(&self.token);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("api call");
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    pub async fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, v) = self.send(method, path, body).await;
        assert!((200..300).contains(&status), "{method} {path}: {status} {v}");
        v
    }
}

/// Ids the route table needs: a segment, a campaign, an account and a token to change.
struct Ids {
    seg: i64,
    campaign: i64,
    account: i64,
    token: i64,
}

/// Every API route with a body that succeeds for a role allowed to call it, and that role.
/// Vendor calls go to the sandbox (创蓝) or to a closed loopback port (阿里云), never outside.
fn routes(ids: &Ids) -> Vec<(&'static str, String, Option<Value>, &'static str)> {
    let Ids { seg, campaign, account, token } = *ids;
    let campaign_body = json!({"name": "API 活动", "segment_id": seg, "vendor": "chuanglan", "signature": "示例商城",
        "content": "您好，周年庆满100减20，拒收请回复R"});
    vec![
        ("POST", "/api/v1/users".into(), Some(json!([{"user_id": "api-1", "phone": "13700000001"}])), "operator"),
        ("GET", "/api/v1/users/u1".into(), None, "viewer"),
        ("GET", "/api/v1/attributes".into(), None, "viewer"),
        ("GET", "/api/v1/segments".into(), None, "viewer"),
        ("POST", "/api/v1/segments".into(), Some(json!({"name": "API 名单", "user_ids": ["u1"]})), "operator"),
        ("GET", format!("/api/v1/segments/{seg}/count"), None, "viewer"),
        ("GET", format!("/api/v1/segments/{seg}/members"), None, "viewer"),
        ("GET", "/api/v1/campaigns".into(), None, "viewer"),
        ("POST", "/api/v1/campaigns".into(), Some(campaign_body), "operator"),
        ("GET", format!("/api/v1/campaigns/{campaign}"), None, "viewer"),
        ("POST", format!("/api/v1/campaigns/{campaign}/start"), None, "operator"),
        ("POST", format!("/api/v1/campaigns/{campaign}/pause"), None, "operator"),
        ("POST", format!("/api/v1/campaigns/{campaign}/resume"), None, "operator"),
        ("POST", format!("/api/v1/campaigns/{campaign}/cancel"), None, "operator"),
        ("GET", "/api/v1/messages".into(), None, "viewer"),
        ("GET", "/api/v1/suppressions".into(), None, "viewer"),
        (
            "POST",
            "/api/v1/suppressions".into(),
            Some(json!({"phones": ["13700000009", "+86 137 0000 0008", "x"], "reason": "API 同步"})),
            "operator",
        ),
        ("DELETE", "/api/v1/suppressions/13700000009".into(), None, "operator"),
        ("GET", format!("/api/v1/campaigns/{campaign}/stats"), None, "viewer"),
        ("GET", format!("/api/v1/campaigns/{campaign}/messages"), None, "viewer"),
        ("GET", "/api/v1/settings/sms".into(), None, "viewer"),
        ("PUT", "/api/v1/settings/phone-attribute".into(), Some(json!({"name": "phone"})), "admin"),
        ("PUT", "/api/v1/vendors/chuanglan/sandbox".into(), Some(json!({"on": true})), "admin"),
        (
            "PUT",
            "/api/v1/vendors/chuanglan".into(),
            Some(json!({"enabled": true, "signature": "【示例商城】", "account": "N0001", "host": "smssh1.253.com"})),
            "admin",
        ),
        ("POST", "/api/v1/vendors/chuanglan/test".into(), None, "admin"),
        (
            "POST",
            "/api/v1/vendors/chuanglan/test-send".into(),
            Some(json!({"phones": ["13700000001"], "content": "您的验证码是 1234"})),
            "admin",
        ),
        (
            "PUT",
            "/api/v1/vendors/aliyun".into(),
            Some(json!({"enabled": true, "signature": "示例商城", "access_key_id": "LTAI0001",
                "access_key_secret": "s", "endpoint": "http://127.0.0.1:9"})),
            "admin",
        ),
        ("POST", "/api/v1/vendors/aliyun/test".into(), None, "admin"),
        ("GET", "/api/v1/vendors/aliyun/templates/SMS_1".into(), None, "operator"),
        (
            "POST",
            "/api/v1/vendors/aliyun/test-send".into(),
            Some(json!({"phones": ["13700000001"], "template_id": "SMS_1"})),
            "admin",
        ),
        ("GET", "/api/v1/roles".into(), None, "admin"),
        ("GET", "/api/v1/accounts".into(), None, "admin"),
        (
            "POST",
            "/api/v1/accounts".into(),
            Some(json!({"username": "api-made", "role": "viewer", "password": "api-password-1"})),
            "admin",
        ),
        ("PATCH", format!("/api/v1/accounts/{account}"), Some(json!({"role": "operator"})), "admin"),
        ("GET", "/api/v1/tokens".into(), None, "admin"),
        ("POST", "/api/v1/tokens".into(), Some(json!({"name": "minted", "role": "viewer"})), "admin"),
        ("DELETE", format!("/api/v1/tokens/{token}"), None, "admin"),
    ]
}

fn rank(role: &str) -> u8 {
    match role {
        "admin" => 3,
        "operator" => 2,
        _ => 1,
    }
}

#[tokio::test]
async fn every_api_route_enforces_the_token_role() {
    let (t, seg) = common::seeded(4).await;
    let campaign = common::json_call(
        &t,
        "campaigns/create",
        json!({"form": common::campaign_form(seg), "start_now": false, "key": "k"}),
    )
    .await
    .as_i64()
    .expect("id");
    let account = common::add_account(&t, "ops", "viewer", "ops-password-1").await;
    common::add_token(&t, "to-revoke", "viewer").await;
    let token = common::json_call(&t, "tokens/list", json!({})).await[0]["id"].as_i64().expect("token id");
    let mut tokens = Vec::new();
    for role in ["admin", "operator", "viewer"] {
        tokens.push((role, common::add_token(&t, &format!("{role}-token"), role).await));
    }
    for (method, path, body, needed) in routes(&Ids { seg, campaign, account, token }) {
        let none = Api { t: &t, token: String::new() };
        let (status, v) = none.send(method, &path, body.clone()).await;
        assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")), "{method} {path}");
        let bogus = Api { t: &t, token: "chuda_not-a-real-token".into() };
        assert_eq!(bogus.send(method, &path, body.clone()).await.0, 401, "{method} {path} with a bogus token");
        for (role, token) in &tokens {
            let api = Api { t: &t, token: token.clone() };
            let (status, v) = api.send(method, &path, body.clone()).await;
            if rank(role) >= rank(needed) {
                assert!(![401, 403, 404, 405].contains(&status), "{method} {path} as {role}: {status} {v}");
            } else {
                assert_eq!(
                    (status, v["error"]["code"].as_str()),
                    (403, Some("forbidden")),
                    "{method} {path} as {role}"
                );
            }
        }
    }
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once() {
    let t = common::spawn_app().await;
    t.login().await;
    let token = common::add_token(&t, "crm", "viewer").await;
    let api = Api { t: &t, token };
    api.ok("GET", "/api/v1/attributes", None).await;
    let id = common::json_call(&t, "tokens/list", json!({})).await[0]["id"].as_i64().expect("id");
    common::json_call(&t, "tokens/revoke", json!({"id": id})).await;
    let (status, v) = api.send("GET", "/api/v1/attributes", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (401, Some("unauthorized")));
    let listed = common::json_call(&t, "tokens/list", json!({})).await;
    assert!(!listed[0]["revoked"].as_str().unwrap_or_default().is_empty(), "{listed}");
    assert!(!listed.to_string().contains(&api.token[10..]), "the list shows only the prefix");
}

#[tokio::test]
async fn errors_are_json_with_stable_codes_and_field_details() {
    let t = common::spawn_app().await;
    t.login().await;
    let api = Api { t: &t, token: common::add_token(&t, "ops", "operator").await };
    let (status, v) = api.send("GET", "/api/v1/users/nobody", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, v) = api.send("POST", "/api/v1/segments", Some(json!({"name": "", "user_ids": []}))).await;
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "validation_failed");
    let (status, v) = api
        .send(
            "POST",
            "/api/v1/campaigns",
            Some(json!({"name": "", "segment_id": 1, "vendor": "x",
        "signature": ""})),
        )
        .await;
    assert_eq!(status, 422, "{v}");
    let fields: Vec<&str> =
        v["error"]["fields"].as_array().expect("fields").iter().filter_map(|f| f["field"].as_str()).collect();
    assert!(fields.contains(&"name") && fields.contains(&"vendor"), "{v}");
    let (status, v) = api.send("GET", "/api/v1/segments?cursor=%21%21", None).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("bad_request")));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_each_one_answers() {
    let t = common::spawn_app().await;
    let doc: Value = reqwest::get(t.url("/api/v1/openapi.json")).await.expect("doc").json().await.expect("json");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3.1"), "{}", doc["openapi"]);
    let expected = [
        ("post", "/api/v1/users"),
        ("get", "/api/v1/users/{user_id}"),
        ("get", "/api/v1/attributes"),
        ("get", "/api/v1/segments"),
        ("post", "/api/v1/segments"),
        ("get", "/api/v1/segments/{id}/count"),
        ("get", "/api/v1/segments/{id}/members"),
        ("get", "/api/v1/campaigns"),
        ("post", "/api/v1/campaigns"),
        ("get", "/api/v1/campaigns/{id}"),
        ("post", "/api/v1/campaigns/{id}/start"),
        ("post", "/api/v1/campaigns/{id}/pause"),
        ("post", "/api/v1/campaigns/{id}/resume"),
        ("post", "/api/v1/campaigns/{id}/cancel"),
        ("get", "/api/v1/messages"),
        ("get", "/api/v1/suppressions"),
        ("post", "/api/v1/suppressions"),
        ("delete", "/api/v1/suppressions/{phone}"),
        ("get", "/api/v1/campaigns/{id}/stats"),
        ("get", "/api/v1/campaigns/{id}/messages"),
        ("get", "/api/v1/settings/sms"),
        ("put", "/api/v1/settings/phone-attribute"),
        ("put", "/api/v1/vendors/chuanglan"),
        ("put", "/api/v1/vendors/chuanglan/sandbox"),
        ("post", "/api/v1/vendors/chuanglan/test"),
        ("post", "/api/v1/vendors/chuanglan/test-send"),
        ("put", "/api/v1/vendors/aliyun"),
        ("post", "/api/v1/vendors/aliyun/test"),
        ("get", "/api/v1/vendors/aliyun/templates/{code}"),
        ("post", "/api/v1/vendors/aliyun/test-send"),
        ("get", "/api/v1/roles"),
        ("get", "/api/v1/accounts"),
        ("post", "/api/v1/accounts"),
        ("patch", "/api/v1/accounts/{id}"),
        ("get", "/api/v1/tokens"),
        ("post", "/api/v1/tokens"),
        ("delete", "/api/v1/tokens/{id}"),
    ];
    let paths = doc["paths"].as_object().expect("paths");
    let listed: usize = paths.values().map(|p| p.as_object().map_or(0, |o| o.len())).sum();
    assert_eq!(listed, expected.len(), "no undocumented extras, none missing: {:?}", paths.keys().collect::<Vec<_>>());
    for (method, path) in expected {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert!(op["responses"]["401"].is_object(), "{method} {path} documents 401");
        assert!(op["responses"]["429"]["headers"]["Retry-After"].is_object(), "{method} {path} documents 429");
        assert_eq!(op["security"][0]["token"], json!([]), "{method} {path} needs the bearer token");
        let concrete = path
            .replace("{user_id}", "u1")
            .replace("{id}", "1")
            .replace("{phone}", "13800138000")
            .replace("{code}", "SMS_1");
        let res = reqwest::Client::new()
            .request(method.to_uppercase().parse().expect("method"), t.url(&concrete))
            .send()
            .await
            .expect("call");
        assert_eq!(res.status(), 401, "{method} {concrete} is a live route (401 without token, not 404/405)");
    }
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    let docs = reqwest::get(t.url("/api/v1/docs")).await.expect("docs").text().await.expect("html");
    for (_, path) in expected {
        assert!(docs.contains(path), "the docs page shows {path}");
    }
    assert!(docs.contains("CampaignCreate") && !docs.contains("<script"), "schemas, no scripts");
}

#[tokio::test]
async fn an_api_only_flow_sends_a_sandbox_campaign_to_completion() {
    let t = common::spawn_app().await;
    t.login().await;
    common::json_call(&t, "settings/chuanglan/sandbox", json!({"on": true})).await;
    let api = Api { t: &t, token: common::add_token(&t, "crm", "operator").await };
    let users: Vec<Value> = (0..5)
        .map(|i| {
            json!({"user_id": format!("c{i}"), "phone": format!("1370000000{i}"),
        "city": if i < 4 { "上海" } else { "北京" }, "points": i * 10})
        })
        .collect();
    let r = api.ok("POST", "/api/v1/users", Some(Value::Array(users))).await;
    assert_eq!((r["users_new"].as_u64(), r["rows_bad"].as_u64()), (Some(5), Some(0)), "{r}");
    let ndjson = "{\"user_id\":\"c5\",\"phone\":\"13700000005\",\"city\":\"上海\"}\n{\"phone\":\"x\"}\n";
    let res = reqwest::Client::new()
        .post(t.url("/api/v1/users"))
        .bearer_auth(&api.token)
        .header("content-type", "application/x-ndjson")
        .body(ndjson)
        .send()
        .await
        .expect("ndjson");
    let r: Value = res.json().await.expect("json");
    assert_eq!((r["users_new"].as_u64(), r["rows_bad"].as_u64()), (Some(1), Some(1)), "{r}");
    let user = api.ok("GET", "/api/v1/users/c0", None).await;
    assert_eq!(user["phone"], "137****0000", "masked: {user}");
    assert_eq!(user["attributes"]["points"], json!(0.0));
    let rule = json!({"kind": "all", "rules": [{"kind": "cond", "attribute": "city", "op": "eq", "values": ["上海"]}]});
    let seg = api.ok("POST", "/api/v1/segments", Some(json!({"name": "上海会员", "rule": rule}))).await;
    let seg_id = seg["id"].as_i64().expect("id");
    let count = api.ok("GET", &format!("/api/v1/segments/{seg_id}/count"), None).await;
    assert_eq!((count["members"].as_u64(), count["with_phone"].as_u64()), (Some(5), Some(5)));
    let mut members = Vec::new();
    let mut path = format!("/api/v1/segments/{seg_id}/members?limit=2");
    loop {
        let page = api.ok("GET", &path, None).await;
        members.extend(
            page["items"].as_array().expect("items").iter().map(|m| m["user_id"].as_str().unwrap_or("").to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/segments/{seg_id}/members?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(members, ["c0", "c1", "c2", "c3", "c5"], "cursor pages cover every member once");
    let body = json!({"name": "API 上海", "segment_id": seg_id, "vendor": "chuanglan", "signature": "示例商城",
        "content": "{$var}您好，积分活动开始了，拒收请回复R", "bindings": [{"attribute": "city", "fallback": "会员"}],
        "window_start": "00:00", "window_end": "24:00", "start": true});
    let c = api.ok("POST", "/api/v1/campaigns", Some(body)).await;
    let id = c["id"].as_i64().expect("id");
    assert!(c["sandbox"].as_bool().expect("sandbox"), "{c}");
    let mut done = Value::Null;
    for _ in 0..200 {
        done = api.ok("GET", &format!("/api/v1/campaigns/{id}"), None).await;
        if done["status"] == "completed" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"]["submitted"], 5, "{done}");
    let again = api.ok("POST", &format!("/api/v1/campaigns/{id}/start"), None).await;
    assert_eq!(again["progress"]["submitted"], 5, "a retried start is the same start: {again}");
    let res = reqwest::Client::new()
        .post(t.url(&format!("/api/v1/campaigns/{id}/start")))
        .bearer_auth(&api.token)
        .header("idempotency-key", "another")
        .send()
        .await
        .expect("start");
    assert_eq!(res.status(), 400, "a different key cannot start a finished campaign");
    let msgs = api.ok("GET", &format!("/api/v1/messages?campaign_id={id}&limit=3"), None).await;
    assert_eq!(msgs["items"].as_array().expect("items").len(), 3);
    assert!(msgs["items"][0]["phone"].as_str().expect("phone").contains("****"));
    let rest = api
        .ok(
            "GET",
            &format!("/api/v1/messages?campaign_id={id}&cursor={}", msgs["next_cursor"].as_str().expect("next")),
            None,
        )
        .await;
    assert_eq!(rest["items"].as_array().expect("items").len(), 2);
    assert!(rest["next_cursor"].is_null());
    let mut seen = Vec::new();
    let mut path = format!("/api/v1/campaigns/{id}/messages?limit=2");
    loop {
        let page = api.ok("GET", &path, None).await;
        seen.extend(page["items"].as_array().expect("items").iter().map(|m| m["id"].as_i64().expect("id")));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/campaigns/{id}/messages?limit=2&cursor={c}"),
            None => break,
        }
    }
    let mut distinct = seen.clone();
    distinct.dedup();
    assert_eq!((seen.len(), distinct.len()), (5, 5), "three pages cover the five messages once: {seen:?}");
    assert_eq!(api.send("GET", "/api/v1/campaigns/999999/messages", None).await.0, 404);
    let mut stats = Value::Null;
    for _ in 0..100 {
        stats = api.ok("GET", &format!("/api/v1/campaigns/{id}/stats"), None).await;
        if stats["pending"] == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!((stats["targets"].as_u64(), stats["submitted"].as_u64()), (Some(5), Some(5)), "{stats}");
    let settled = ["delivered", "failed", "timeout", "unknown"].iter().filter_map(|k| stats[k].as_u64()).sum::<u64>();
    assert_eq!(settled, 5, "every sandbox report counted once: {stats}");
    let by_carrier = stats["carriers"].as_array().expect("carriers").iter().filter_map(|c| c["targets"].as_u64());
    assert_eq!(by_carrier.sum::<u64>(), 5, "{stats}");
    assert_eq!(api.send("GET", "/api/v1/campaigns/999999/stats", None).await.0, 404);
}

#[tokio::test]
async fn audited_actions_are_written_and_hold_no_secret() {
    let (t, seg) = common::seeded(3).await;
    t.login_as("admin", "wrong-password").await;
    common::json_call(&t, "settings/chuanglan", common::chuanglan_form(common::PLANTED)).await;
    common::json_call(&t, "users/reveal-phone", json!({"user_id": "u1"})).await;
    let id = common::json_call(
        &t,
        "campaigns/create",
        json!({"form": common::campaign_form(seg), "start_now": true, "key": "a"}),
    )
    .await
    .as_i64()
    .expect("id");
    common::wait_status(&t, id, "completed").await;
    t.http.get(t.url("/api/ledger.csv")).send().await.expect("export");
    t.http.get(t.url(&format!("/api/segments/{seg}/members.csv"))).send().await.expect("export");
    let acct = common::add_account(&t, "ops", "operator", "ops-password-1").await;
    common::json_call(&t, "accounts/role", json!({"id": acct, "role": "viewer"})).await;
    let token = common::add_token(&t, "crm", "operator").await;
    let api = Api { t: &t, token };
    api.ok("POST", "/api/v1/segments", Some(json!({"name": "API 名单", "user_ids": ["u1", "zz"]}))).await;
    let page = common::json_call(
        &t,
        "audit/page",
        json!({"query": {"actor": "", "action": "", "from": "", "to": "", "before": ""}}),
    )
    .await;
    let text = page.to_string();
    assert!(!text.contains(common::PLANTED), "no secret in the audit log");
    let actions: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().filter_map(|r| r["action"].as_str()).collect();
    for a in [
        "login",
        "login_failed",
        "settings_chuanglan",
        "settings_chuanglan_sandbox",
        "import_users",
        "segment_save",
        "reveal_phone",
        "campaign_create",
        "campaign_start",
        "export_ledger",
        "export_segment",
        "account_create",
        "account_role",
        "token_create",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    assert!(text.contains("已替换密钥"), "the secret change is recorded as a fact: {text}");
    assert!(text.contains("API:crm") && text.contains("1 个未匹配"), "API calls are audited under their token: {text}");
    let only = common::json_call(
        &t,
        "audit/page",
        json!({"query": {"actor": "", "action": "reveal_phone", "from": "", "to": "", "before": ""}}),
    )
    .await;
    assert_eq!(only["rows"].as_array().expect("rows").len(), 1);
    assert_eq!(only["rows"][0]["ip"], "127.0.0.1");
}

#[tokio::test]
async fn the_suppression_list_is_managed_through_the_api() {
    let t = common::spawn_app().await;
    t.login().await;
    let api = Api { t: &t, token: common::add_token(&t, "crm", "operator").await };
    let (status, v) =
        api.send("POST", "/api/v1/suppressions", Some(json!({"phones": ["13700000001"], "reason": ""}))).await;
    assert_eq!((status, v["error"]["fields"][0]["field"].as_str()), (422, Some("reason")), "{v}");
    let added = api
        .ok(
            "POST",
            "/api/v1/suppressions",
            Some(json!({"phones": ["13700000001", "137-0000-0002", "bad"], "reason": "CRM 退订"})),
        )
        .await;
    assert_eq!((added["added"].as_u64(), added["invalid"][0].as_str()), (Some(2), Some("bad")), "{added}");
    let page = api.ok("GET", "/api/v1/suppressions?limit=1", None).await;
    assert_eq!(page["items"].as_array().map(Vec::len), Some(1));
    assert!(page["items"][0]["phone"].as_str().is_some_and(|p| p.contains("****")), "{page}");
    let cursor = page["next_cursor"].as_str().expect("more");
    let rest = api.ok("GET", &format!("/api/v1/suppressions?limit=1&cursor={cursor}"), None).await;
    assert_eq!((rest["items"][0]["source"].as_str(), rest["next_cursor"].as_str()), (Some("api"), None), "{rest}");
    assert_eq!(api.send("DELETE", "/api/v1/suppressions/13700000002", None).await.0, 204);
    assert_eq!(api.send("DELETE", "/api/v1/suppressions/13700000002", None).await.0, 204, "idempotent");
    let left = api.ok("GET", "/api/v1/suppressions", None).await;
    assert_eq!(left["items"].as_array().map(Vec::len), Some(1), "{left}");
}

#[tokio::test]
async fn a_create_retried_with_its_idempotency_key_makes_one_campaign_and_one_send() {
    let (t, seg) = common::seeded(3).await;
    let token = common::add_token(&t, "crm", "operator").await;
    let body = json!({"name": "重试活动", "segment_id": seg, "vendor": "chuanglan", "signature": "示例商城",
        "content": "您好，周年庆满100减20，拒收请回复R", "window_start": "00:00", "window_end": "24:00", "start": true});
    let create = |key: &str, token: &str| {
        reqwest::Client::new()
            .post(t.url("/api/v1/campaigns"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let (a, b) = tokio::join!(create("order-42", &token), create("order-42", &token));
    let (a, b) = (a.expect("first"), b.expect("second"));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "one create, one replay");
    let (a, b): (Value, Value) = (a.json().await.expect("json"), b.json().await.expect("json"));
    assert_eq!(a["id"], b["id"], "{a} {b}");
    let replay = create("order-42", &token).await.expect("replay");
    assert_eq!(replay.status(), 200);
    let other = common::add_token(&t, "erp", "operator").await;
    let theirs: Value = create("order-42", &other).await.expect("other").json().await.expect("json");
    assert_ne!(theirs["id"], a["id"], "keys are scoped to their token");
    let id = a["id"].as_i64().expect("id");
    common::wait_status(&t, id, "completed").await;
    let api = Api { t: &t, token };
    let campaigns = api.ok("GET", "/api/v1/campaigns", None).await;
    assert_eq!(campaigns["items"].as_array().map(Vec::len), Some(2), "{campaigns}");
    let done = api.ok("GET", &format!("/api/v1/campaigns/{id}"), None).await;
    let msgs = api.ok("GET", &format!("/api/v1/campaigns/{id}/messages"), None).await;
    assert_eq!(msgs["items"].as_array().map(Vec::len), Some(2), "each member sent once: {msgs} {done}");
    assert_eq!(done["progress"]["submitted"], 2, "{done}");
    assert!(msgs["items"].as_array().into_iter().flatten().all(|m| m["submitted_at"].is_i64()), "{msgs} {done}");
}
