//! Compliance through the running server and its sandbox (a 创蓝 marketing account that
//! refuses content without 拒收请回复R with 158): replies that opt out, frequency caps, the
//! reconciliation and the ledger, content rules, the send window, the 阿里云 reply push.

use crate::common;

use common::{always_open, campaign_form, json_call, set_window, spawn_app, wait_status, TestApp};
use serde_json::json;

/// A signed-in server with `n` users (all named, phones 1370000xxxx), the sandbox on, the
/// window open all day, and a segment of all of them.
async fn audience(n: usize) -> (TestApp, i64) {
    let app = spawn_app().await;
    app.login().await;
    let mut csv = String::from("user_id,phone,name\n");
    for i in 0..n {
        csv.push_str(&format!("u{i},{},用户{i}\n", 13_700_000_000u64 + i as u64));
    }
    let id = common::sandbox_audience(&app, csv).await;
    (app, id)
}

fn phone(i: u64) -> String {
    (13_700_000_000u64 + i).to_string()
}

async fn list_segment(app: &TestApp, name: &str, phones: &[String]) -> i64 {
    let seg = json!({"form": {"id": null, "name": name, "description": "", "kind": "list",
        "list": phones.join("\n"), "rule": {"all": true, "conditions": []}}});
    json_call(app, "segments/save", seg).await["id"].as_i64().expect("list segment")
}

async fn send(app: &TestApp, form: serde_json::Value, key: &str) -> serde_json::Value {
    let id = json_call(app, "campaigns/create", json!({"form": form, "start_now": true, "key": key}))
        .await
        .as_i64()
        .expect("id");
    wait_status(app, id, "completed").await
}

#[tokio::test]
async fn suppressed_and_capped_phones_are_accounted_for_and_never_sent() {
    let (app, everyone) = audience(1000).await;
    // Five phones already got three marketing messages today.
    let five: Vec<String> = (0..5).map(|i| phone(990 + i)).collect();
    let small = list_segment(&app, "五人", &five).await;
    for run in 0..3 {
        let mut f = campaign_form(small);
        f["name"] = json!(format!("预热 {run}"));
        send(&app, f, &format!("warm-{run}")).await;
    }
    // Ten phones reply R (and one replies something else) through the sandbox's reply push.
    for i in 0..10 {
        app.app.sandbox.reply(&phone(i * 7), if i % 2 == 0 { "R" } else { " 退订 " }).await.expect("reply");
    }
    app.app.sandbox.reply(&phone(500), "好的，谢谢").await.expect("reply");
    let list = json_call(&app, "suppressions/list", json!({"search": "", "after": null})).await;
    assert_eq!(list["total"], 10, "{list}");
    assert!(list["rows"][0]["phone_masked"].as_str().is_some_and(|p| p.contains("****")), "{list}");

    let p = json_call(&app, "campaigns/preview", json!({"form": campaign_form(everyone)})).await;
    let counts = ["members", "suppressed", "capped", "messages"].map(|k| p[k].as_u64().unwrap_or(u64::MAX));
    assert_eq!(counts, [1000, 10, 5, 985], "{p}");
    let requests_before = app.app.sandbox.received().len();
    let done = send(&app, campaign_form(everyone), "main").await;
    assert_eq!(done["row"]["submitted"].as_u64(), Some(985), "{done}");
    assert_eq!(done["row"]["blocked"].as_u64(), Some(15), "{done}");
    let calls = app.app.sandbox.received();
    assert!(calls[requests_before..].iter().all(|r| r.code == "0"), "no vendor refusal");
    assert!(calls.iter().all(|r| r.body["account"] == "SANDBOX_YX"), "marketing goes through the marketing account");
    let blocked = json_call(
        &app,
        "ledger/page",
        json!({"query": {"campaign": done["row"]["id"].to_string(),
        "status": "blocked", "vendor": "", "from": "", "to": "", "phone": "", "before": ""}}),
    )
    .await;
    let rows = blocked["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 15, "{blocked}");
    let text = blocked.to_string();
    assert!(text.contains("回复“R”退订") && text.contains("达到每日上限 3 条"), "{text}");
    // The troubleshooter explains a suppressed phone.
    let trace = json_call(&app, "ledger/trace", json!({"phone": phone(0), "user_id": "", "message": null})).await;
    assert!(trace.to_string().contains("已退订未发"), "{trace}");
}

#[tokio::test]
async fn content_rules_follow_the_message_type() {
    let (app, seg) = audience(3).await;
    let mut f = campaign_form(seg);
    f["content"] = json!("{$var}您好，周年庆满100减20");
    let (status, body) = app.call("campaigns/create", json!({"form": f, "start_now": false, "key": "a"})).await;
    assert!(status == 422 && body.contains("拒收请回复R"), "{status} {body}");
    let check = json_call(
        &app,
        "compliance/check-content",
        json!({"kind": "marketing", "signature": "示例商城", "content": "周年庆满100减20"}),
    )
    .await;
    assert_eq!(check["with_suffix"], "周年庆满100减20 拒收请回复R", "{check}");
    f["kind"] = json!("notification");
    f["content"] = json!("{$var}您好，订单已发货 拒收请回复R");
    let (status, body) = app.call("campaigns/create", json!({"form": f, "start_now": false, "key": "b"})).await;
    assert!(status == 422 && body.contains("通知短信不能包含"), "{status} {body}");
    f["content"] = json!("【顺丰】{$var}您好，订单已发货");
    let (status, body) = app.call("campaigns/create", json!({"form": f, "start_now": false, "key": "c"})).await;
    assert!(status == 422 && body.contains("【】"), "{status} {body}");
    f["content"] = json!("{$var}您好，订单已发货");
    let done = send(&app, f, "d").await;
    assert_eq!(done["row"]["kind_label"], "通知/行业");
    let calls = app.app.sandbox.received();
    assert!(calls.iter().any(|r| r.body["account"] == "SANDBOX"), "notifications use the notification account");
}

#[tokio::test]
async fn a_marketing_campaign_waits_outside_its_window_and_resumes_when_it_opens() {
    let (app, seg) = audience(4).await;
    let now = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"));
    let minute = u16::from(now.hour()) * 60 + u16::from(now.minute());
    let (start, end) = if minute < 1200 { (minute + 60, minute + 120) } else { (60, 120) };
    let hhmm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    set_window(&app, &hhmm(start), &hhmm(end)).await;
    let p = json_call(&app, "campaigns/preview", json!({"form": campaign_form(seg)})).await;
    assert!(p["hold_note"].as_str().is_some_and(|n| n.contains("自动发送")), "{p}");
    let id = json_call(&app, "campaigns/create", json!({"form": campaign_form(seg), "start_now": true, "key": "w"}))
        .await
        .as_i64()
        .expect("id");
    let waiting = wait_status(&app, id, "waiting").await;
    assert_eq!(waiting["row"]["status_label"], "窗口外等待");
    assert!(waiting["row"]["status_reason"].as_str().is_some_and(|r| r.contains("自动继续")), "{waiting}");
    assert_eq!(waiting["row"]["submitted"].as_u64(), Some(0));
    // A notification is not held by the marketing window.
    let mut n = campaign_form(seg);
    n["kind"] = json!("notification");
    n["content"] = json!("{$var}您好，您的订单已发货");
    send(&app, n, "n").await;
    // Widening the window wakes the waiting campaign.
    always_open(&app).await;
    let done = wait_status(&app, id, "completed").await;
    assert_eq!(done["row"]["submitted"].as_u64(), Some(4));
}

#[tokio::test]
async fn replies_pushed_by_aliyun_and_typed_by_operators_fill_the_list() {
    let app = spawn_app().await;
    app.login().await;
    let urls = json_call(&app, "settings/callbacks", json!({})).await;
    let mo = urls["aliyun_mo"].as_str().expect("aliyun mo url").to_owned();
    let body = json!([{"phone_number": "13800000001", "content": "TD", "send_time": "2026-12-03 10:00:00",
        "dest_code": "1234", "sequence_id": 1}, {"phone_number": "13800000002", "content": "收到",
        "send_time": "2026-12-03 10:00:01", "dest_code": "1234", "sequence_id": 2}]);
    let res = app.http.post(&mo).json(&body).send().await.expect("push");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<serde_json::Value>().await.expect("json")["code"], 0);
    let list = json_call(&app, "suppressions/list", json!({"search": "0001", "after": null})).await;
    assert_eq!((list["total"].as_u64(), list["rows"][0]["source"].as_str()), (Some(1), Some("回复退订")), "{list}");
    let wrong = mo.replace("/hooks/aliyun/", "/hooks/aliyun/x");
    assert_eq!(app.http.post(&wrong).json(&body).send().await.expect("push").status(), 403);

    let (status, body) = app.call("suppressions/add", json!({"phones": "13800000009", "reason": ""})).await;
    assert!(status == 422 && body.contains("\"reason\""), "{status} {body}");
    let added = json_call(
        &app,
        "suppressions/add",
        json!({"phones": "phone\n13800000009\n13800000001\nabc", "reason": "来电要求"}),
    )
    .await;
    assert_eq!((added["added"].as_u64(), added["already"].as_u64()), (Some(1), Some(1)), "{added}");
    assert_eq!(added["invalid"][0], "abc");
    let (status, body) = app.call("suppressions/remove", json!({"phone": "13800000003", "reason": "同意"})).await;
    assert!(status == 422 && body.contains("不在退订名单"), "{status} {body}");
    json_call(&app, "suppressions/remove", json!({"phone": "13800000009", "reason": "书面同意"})).await;
    let csv = app.http.get(app.url("/api/suppressions.csv")).send().await.expect("csv").text().await.expect("text");
    assert!(csv.contains("13800000001") && !csv.contains("13800000009"), "{csv}");
    let audit = json_call(
        &app,
        "audit/page",
        json!({"query": {"actor": "", "action": "", "from": "", "to": "",
        "before": ""}}),
    )
    .await;
    let logged: Vec<&str> =
        audit["rows"].as_array().expect("rows").iter().filter_map(|r| r["action_label"].as_str()).collect();
    for action in ["加入退订名单", "移出退订名单", "导出退订名单"] {
        assert!(logged.contains(&action), "{action} missing in {logged:?}");
    }
}
