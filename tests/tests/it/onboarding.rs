//! 开始使用: the checklist ticks each step from real state as a new installation is set up
//! through the console — the sample CSV import, the sandbox, a segment, a completed campaign —
//! and hiding it is remembered per account.

use crate::common;
use serde_json::json;

fn steps(v: &serde_json::Value) -> Vec<bool> {
    ["phone_attribute", "vendor", "users", "segment", "campaign"].iter().map(|k| v[k] == true).collect()
}

#[tokio::test]
async fn the_checklist_follows_a_new_installation_to_its_first_sandbox_campaign() {
    let t = common::spawn_app().await;
    let anonymous = reqwest::get(t.url("/api/sample-users.csv")).await.expect("anonymous");
    assert_eq!(anonymous.status(), 401, "data routes need a session");
    t.login().await;
    let status = common::json_call(&t, "onboarding/status", json!({})).await;
    assert_eq!((steps(&status), status["dismissed"].as_bool()), (vec![false; 5], Some(false)), "{status}");

    let sample = t.http.get(t.url("/api/sample-users.csv")).send().await.expect("sample");
    assert_eq!(sample.status(), 200);
    assert!(sample.headers()["content-disposition"].to_str().expect("ascii").contains("chuda-sample-users.csv"));
    let bytes = sample.bytes().await.expect("body");
    let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("chuda-sample-users.csv");
    let res = t
        .http
        .post(t.url("/api/users/import"))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("import");
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap_or_default());
    let overview = common::json_call(&t, "users/overview", json!({})).await;
    assert_eq!((overview["users"].as_u64(), overview["with_phone"].as_u64()), (Some(1000), Some(1000)), "{overview}");
    let attrs = overview["attributes"].to_string();
    for typed in ["number", "boolean", "datetime"] {
        assert!(attrs.contains(typed), "the sample shows a {typed} attribute: {attrs}");
    }
    let status = common::json_call(&t, "onboarding/status", json!({})).await;
    assert_eq!(steps(&status), [true, false, true, false, false], "{status}");

    common::json_call(&t, "settings/chuanglan/sandbox", json!({"on": true})).await;
    common::always_open(&t).await;
    let seg = json!({"form": {"id": null, "name": "上海", "description": "", "kind": "rule", "list": "",
        "rule": {"all": true, "conditions": [{"attribute": "city", "op": "eq", "values": ["上海"]}], "groups": []}}});
    let seg = common::json_call(&t, "segments/save", seg).await["id"].as_i64().expect("segment");
    let status = common::json_call(&t, "onboarding/status", json!({})).await;
    assert_eq!(steps(&status), [true, true, true, true, false], "{status}");

    let id = common::json_call(
        &t,
        "campaigns/create",
        json!({"form": common::campaign_form(seg), "start_now": true, "key": "first"}),
    )
    .await
    .as_i64()
    .expect("campaign");
    common::wait_status(&t, id, "completed").await;
    let status = common::json_call(&t, "onboarding/status", json!({})).await;
    assert_eq!(steps(&status), [true; 5], "{status}");

    common::json_call(&t, "onboarding/dismiss", json!({"dismissed": true})).await;
    assert_eq!(common::json_call(&t, "onboarding/status", json!({})).await["dismissed"], true);
    common::add_account(&t, "ops", "operator", "ops-password-1").await;
    t.login_as("ops", "ops-password-1").await;
    assert_eq!(common::json_call(&t, "onboarding/status", json!({})).await["dismissed"], false, "per account");
}
