//! Delivery receipts through the running server: the sandbox pushes its reports to the
//! callback route; the ledger, statistics and 未收到排查 read them; a pushed report applies
//! once; forged and malformed callbacks change nothing; 重发失败 makes a follow-up draft.

use crate::common;

use common::{campaign_form, json_call, seeded_with, wait_status, TestApp};
use serde_json::{json, Value};
use std::time::Duration;

fn ledger_query(campaign: i64, status: &str) -> Value {
    json!({"query": {"campaign": campaign.to_string(), "status": status, "vendor": "", "from": "", "to": "",
        "phone": "", "before": ""}})
}

/// Waits until every submitted message has its report.
async fn settled_stats(app: &TestApp, id: i64) -> Value {
    for _ in 0..200 {
        let s = json_call(app, "campaigns/stats", json!({"id": id})).await;
        if s["submitted"].as_u64() > Some(0) && s["pending"] == 0 {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("reports never arrived");
}

async fn callback(app: &TestApp, url: &str, query: &[(&str, &str)]) -> (u16, String) {
    let res = app.http.get(url).query(query).send().await.expect("callback");
    (res.status().as_u16(), res.text().await.expect("body"))
}

#[tokio::test]
async fn pushed_reports_fill_the_ledger_stats_and_trace_once() {
    let (app, seg) = seeded_with(40, |s| s.sending.sandbox_delivered_ratio = 0.5).await;
    let id = json_call(&app, "campaigns/create", json!({"form": campaign_form(seg), "start_now": true, "key": "k"}))
        .await
        .as_i64()
        .expect("id");
    wait_status(&app, id, "completed").await;
    let s = settled_stats(&app, id).await;
    let (delivered, failed) = (s["delivered"].as_u64().expect("d"), s["failed"].as_u64().expect("f"));
    assert_eq!((s["targets"].as_u64(), delivered + failed), (Some(20), 20), "{s}");
    assert!(delivered > 0 && failed > 0, "half are reported failed: {s}");
    assert!(s["failures"].as_array().is_some_and(|f| !f.is_empty()), "{s}");
    assert!(s["carriers"][0][0].as_str().is_some_and(|c| c.contains("移动")), "139… is 中国移动: {s}");

    let failed_rows = json_call(&app, "ledger/page", ledger_query(id, "failed")).await;
    let rows = failed_rows["rows"].as_array().expect("rows");
    assert_eq!(rows.len() as u64, failed);
    let row = &rows[0];
    assert!(row["category"].as_str().is_some_and(|c| c.starts_with("failed_")), "{row}");
    assert!(row["phone_masked"].as_str().is_some_and(|p| p.contains("****")), "{row}");
    assert!(!failed_rows.to_string().contains("1390000"), "no full phone in the ledger");

    let trace = json_call(&app, "ledger/trace", json!({"phone": "", "user_id": "", "message": row["id"]})).await;
    let m = &trace["messages"][0];
    assert_eq!(m["row"]["category"], row["category"]);
    let steps: Vec<String> = m["steps"].as_array().expect("steps").iter().map(|s| s["what"].to_string()).collect();
    assert!(steps.iter().any(|s| s.contains("入队")) && steps.iter().any(|s| s.contains("第 1 次提交")), "{steps:?}");
    assert!(steps.iter().any(|s| s.contains("回执")), "{steps:?}");
    assert!(m["advice"].as_str().is_some_and(|a| !a.is_empty()));

    // The same report pushed again (as a retrying vendor would) changes nothing; a new status for
    // a delivered phone moves it to failed once.
    let urls = json_call(&app, "settings/callbacks", json!({})).await;
    let url = urls["chuanglan_report"].as_str().expect("url").to_owned();
    let ok = json_call(&app, "ledger/page", ledger_query(id, "delivered")).await;
    let target = &ok["rows"][0];
    let user: u64 = target["user_id"].as_str().expect("user").trim_start_matches('u').parse().expect("n");
    let phone = (13_900_000_000u64 + user).to_string();
    let msg_id = target["msg_id"].as_str().expect("msg id").to_owned();
    let report = [
        ("msgid", msg_id.as_str()),
        ("mobile", phone.as_str()),
        ("status", "MBBLACK"),
        ("statusDesc", "黑名单"),
        ("reportTime", "2912312359"),
        ("notifyTime", "291231235901"),
    ];
    for _ in 0..2 {
        assert_eq!(callback(&app, &url, &report).await, (200, "OK".to_owned()));
    }
    // Statistics are cached for at least 0.5 s (see `CachedStats`).
    tokio::time::sleep(Duration::from_millis(600)).await;
    let after = json_call(&app, "campaigns/stats", json!({"id": id})).await;
    assert_eq!((after["delivered"].as_u64(), after["failed"].as_u64()), (Some(delivered - 1), Some(failed + 1)));

    // Forged token: 403 and nothing changes. Missing fields: 400.
    let forged = url.replace("/hooks/chuanglan/", "/hooks/chuanglan/0").replace("/report", "x/report");
    let (status, _) =
        callback(&app, &forged, &[("msgid", msg_id.as_str()), ("mobile", phone.as_str()), ("status", "DELIVRD")]).await;
    assert_eq!(status, 403);
    assert_eq!(callback(&app, &url, &[("msgid", "1")]).await.0, 400);
    let aliyun = urls["aliyun_report"].as_str().expect("aliyun url");
    let res = app
        .http
        .post(aliyun)
        .json(&json!([{"phone_number": "13900000002", "biz_id": "orphan-1", "success": true,
        "err_code": "DELIVERED", "err_msg": "用户接收成功", "report_time": "2026-11-25 12:00:00"}]))
        .send()
        .await
        .expect("push");
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.expect("json")["code"], 0);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let last = json_call(&app, "campaigns/stats", json!({"id": id})).await;
    assert_eq!(
        (last["delivered"].clone(), last["failed"].clone()),
        (after["delivered"].clone(), after["failed"].clone())
    );

    // 重发失败: a list segment of the resendable phones and a draft copying the campaign.
    if last["resendable"].as_u64() > Some(0) {
        let new = json_call(&app, "campaigns/resend-failed", json!({"id": id})).await.as_i64().expect("new id");
        let c = json_call(&app, "campaigns/get", json!({"id": new})).await;
        assert_eq!(c["row"]["status"], "draft");
        assert!(c["row"]["name"].as_str().is_some_and(|n| n.contains("重发失败")), "{c}");
    }
}

#[tokio::test]
async fn ledger_filters_are_checked() {
    let (app, _) = seeded_with(2, |_| {}).await;
    let mut q = ledger_query(1, "nonsense");
    let (status, body) = app.call("ledger/page", q.clone()).await;
    assert!(status == 422 && body.contains("status"), "{status} {body}");
    q["query"]["status"] = json!("");
    q["query"]["from"] = json!("25/11/2026");
    let (status, body) = app.call("ledger/page", q).await;
    assert!(status == 422 && body.contains("日期格式"), "{status} {body}");
    let (status, body) = app.call("ledger/trace", json!({"phone": "12345", "user_id": "", "message": null})).await;
    assert_eq!(status, 422, "{body}");
    let res = app.http.get(app.url("/api/ledger.csv?status=failed")).send().await.expect("csv");
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("text").starts_with("\u{feff}活动ID,活动,用户ID,手机号"));
}
