//! Campaigns through the running server and its sandbox: preview and reconciliation, field
//! errors, start once per key, progress to completion, pause with a reason.

use crate::common;

use common::{campaign_form, json_call, seeded, wait_status};
use serde_json::json;

#[tokio::test]
async fn preview_reconciles_and_a_sandbox_campaign_completes_once() {
    let (app, seg) = seeded(30).await;
    let options = json_call(&app, "campaigns/options", json!({})).await;
    assert_eq!(options["vendors"][0]["label"], "创蓝 253（沙箱）");

    let mut skip = campaign_form(seg);
    skip["bindings"][0]["skip"] = json!(true);
    let p = json_call(&app, "campaigns/preview", json!({"form": skip})).await;
    assert_eq!((p["members"].as_u64(), p["no_phone"].as_u64(), p["messages"].as_u64()), (Some(16), Some(1), Some(15)));
    let p = json_call(&app, "campaigns/preview", json!({"form": campaign_form(seg)})).await;
    assert_eq!(p["messages"].as_u64(), Some(15), "every member with a phone has a name: {p}");
    assert!(p["samples"][0][1].as_str().is_some_and(|t| t.starts_with("【示例商城】用户0您好")), "{p}");
    assert!(p["template_note"].as_str().is_some_and(|n| n.contains("创蓝会在发送前审核")), "{p}");

    let id =
        json_call(&app, "campaigns/create", json!({"form": campaign_form(seg), "start_now": true, "key": "tab-1"}))
            .await
            .as_i64()
            .expect("id");
    let (status, _) = app.call("campaigns/start", json!({"id": id, "key": "tab-1"})).await;
    assert_eq!(status, 200, "the same key again is a no-op");
    let (status, body) = app.call("campaigns/start", json!({"id": id, "key": "tab-2"})).await;
    assert!(status == 400 && body.contains("不能再次开始"), "{status} {body}");
    let done = wait_status(&app, id, "completed").await;
    assert_eq!((done["row"]["submitted"].as_u64(), done["row"]["planned"].as_u64()), (Some(15), Some(15)));
    assert_eq!(done["row"]["vendor_label"], "创蓝 253（沙箱）");
    let list = json_call(&app, "campaigns/list", json!({})).await;
    assert_eq!(list[0]["status_label"], "已完成");
}

#[tokio::test]
async fn builder_errors_name_their_fields() {
    let (app, seg) = seeded(3).await;
    let mut bad = campaign_form(seg);
    bad["name"] = json!("");
    bad["bindings"] = json!([]);
    bad["schedule"] = json!("2001-01-01 08:00");
    let (status, body) = app.call("campaigns/create", json!({"form": bad, "start_now": false, "key": "k"})).await;
    assert_eq!(status, 422, "{body}");
    for field in ["\"name\"", "\"bindings\"", "\"schedule\""] {
        assert!(body.contains(field), "{field} missing in {body}");
    }
    assert!(body.contains("晚于现在"), "{body}");
}

#[tokio::test]
async fn a_scheduled_campaign_starts_when_its_time_comes() {
    let (app, seg) = seeded(6).await;
    let at = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"))
        + time::Duration::seconds(2);
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let mut form = campaign_form(seg);
    form["schedule"] = json!(at.format(&fmt).expect("format"));
    let id = json_call(&app, "campaigns/create", json!({"form": form, "start_now": false, "key": "k"}))
        .await
        .as_i64()
        .expect("id");
    let c = json_call(&app, "campaigns/get", json!({"id": id})).await;
    assert_eq!(c["row"]["status"], "scheduled", "{c}");
    let done = wait_status(&app, id, "completed").await;
    assert_eq!(done["row"]["submitted"].as_u64(), Some(3));
}
