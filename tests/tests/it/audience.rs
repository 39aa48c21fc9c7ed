//! Users and segments through the running server: the streamed multipart import, the bad-row
//! report, lookup with masked phones and the audited reveal, live counts, rule and list
//! segments, member pages and the CSV export.

use crate::common;

use common::{segment_form, spawn_app, TestApp};
use serde_json::{json, Value};

const CSV: &str = "user_id,phone,city,points,vip\n\
                   u1,13800138001,上海,100,true\n\
                   u2,13800138002,北京,250,false\n\
                   u3,,上海,300,true\n\
                   u4,13800138004,广州,,false\n\
                   u5,not-a-phone,上海,50,false\n\
                   ,13800138009,北京,1,true\n";

async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>, accept: &str) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = reqwest::multipart::Form::new().text("encoding", "auto").part("file", part);
    app.http.post(app.url("/api/users/import")).header("accept", accept).multipart(form).send().await.expect("upload")
}

async fn json_call(app: &TestApp, endpoint: &str, body: Value) -> Value {
    let (status, text) = app.call(endpoint, body).await;
    assert_eq!(status, 200, "{endpoint}: {text}");
    serde_json::from_str(&text).expect("json")
}

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.login().await;
    let res = upload(&app, "users.csv", CSV.as_bytes().to_vec(), "application/json").await;
    assert_eq!(res.status(), 200);
    let summary: Value = res.json().await.expect("summary");
    assert_eq!((summary["rows_ok"].as_u64(), summary["rows_bad"].as_u64()), (Some(5), Some(1)), "{summary}");
    app
}

#[tokio::test]
async fn upload_imports_and_reports_bad_rows() {
    let app = seeded().await;
    let overview = json_call(&app, "users/overview", json!({})).await;
    assert_eq!((overview["users"].as_u64(), overview["with_phone"].as_u64()), (Some(5), Some(3)));
    let phone_samples =
        overview["attributes"].as_array().expect("attrs").iter().find(|a| a["name"] == "phone").expect("phone");
    assert!(!phone_samples.to_string().contains("13800138001"), "samples are masked: {phone_samples}");

    let id = overview["imports"][0]["id"].as_i64().expect("import id");
    let bad = app.http.get(app.url(&format!("/api/users/imports/{id}/bad-rows.csv"))).send().await.expect("bad rows");
    assert_eq!(bad.status(), 200);
    let text = bad.text().await.expect("csv");
    assert!(text.contains("行号,原因") && text.lines().nth(1).is_some_and(|l| l.starts_with("7,")), "{text}");

    let browser = upload(&app, "more.csv", b"user_id,city\nu9,\xe6\x9d\xad\xe5\xb7\x9e\n".to_vec(), "text/html").await;
    assert_eq!(browser.status(), 303);
    let location = browser.headers()["location"].to_str().expect("location").to_owned();
    assert!(location.starts_with("/users?import="), "{location}");
}

#[tokio::test]
async fn a_broken_file_is_rolled_back_and_explained() {
    let app = seeded().await;
    let res = upload(
        &app,
        "bad.ndjson",
        b"{\"user_id\":\"x1\",\"city\":\"A\"}\n{not json at all\n".to_vec(),
        "application/json",
    )
    .await;
    let status = res.status().as_u16();
    let body: Value = res.json().await.expect("json");
    if status == 422 {
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        let found = json_call(&app, "users/find", json!({"query": "x1"})).await;
        assert_eq!(found, json!([]), "a failed import writes nothing");
    } else {
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["rows_bad"].as_u64(), Some(1), "a malformed line is reported, not imported: {body}");
    }
    let anonymous = common::client().post(app.url("/api/users/import")).body("x").send().await.expect("anon");
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn lookup_masks_phones_and_reveal_is_audited() {
    let app = seeded().await;
    let hits = json_call(&app, "users/find", json!({"query": "8001"})).await;
    assert_eq!(hits, json!([{"user_id": "u1", "phone_masked": "138****8001"}]));
    let detail = json_call(&app, "users/detail", json!({"user_id": "u1"})).await;
    assert!(!detail.to_string().contains("13800138001"), "{detail}");
    assert_eq!(detail["phone_masked"], "138****8001");
    let full = json_call(&app, "users/reveal-phone", json!({"user_id": "u1"})).await;
    assert_eq!(full, "13800138001");
    let db = engine::db::open(&app.dir.path().join("chuda.db")).await.expect("db");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'reveal_phone' AND target = 'u1'")
            .fetch_one(&db)
            .await
            .expect("audit");
    assert_eq!(audited, 1);
    let (status, _) = app.call("users/detail", json!({"user_id": "nobody"})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn segments_count_live_save_page_and_export() {
    let app = seeded().await;
    let rule = json!({"all": true, "conditions": [{"attribute": "city", "op": "eq", "values": ["上海"]}]});
    let count = json_call(&app, "segments/count", json!({ "rule": rule })).await;
    assert_eq!((count["members"].as_u64(), count["with_phone"].as_u64()), (Some(3), Some(1)));

    let (status, body) = app
        .call(
            "segments/count",
            json!({"rule": {"all": true, "conditions": [{"attribute": "points", "op": "gt", "values": ["x"]}]}}),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("不是有效的数字"), "{body}");

    let saved =
        json_call(&app, "segments/save", json!({"form": segment_form("上海用户", "city", "eq", &["上海"])})).await;
    let id = saved["id"].as_i64().expect("id");
    let nested = json!({"rule": {"all": true,
        "conditions": [{"attribute": "points", "op": "gt", "values": ["20"]}],
        "groups": [{"all": false, "conditions": [
            {"attribute": "city", "op": "eq", "values": ["北京"]},
            {"attribute": "city", "op": "eq", "values": ["广州"]}]}]}});
    assert_eq!(
        json_call(&app, "segments/count", nested).await["members"].as_u64(),
        Some(1),
        "points > 20 且 (北京 或 广州) = u2"
    );

    let (status, body) =
        app.call("segments/save", json!({"form": segment_form("上海用户", "city", "eq", &["北京"])})).await;
    assert!(status == 422 && body.contains("已存在"), "{status} {body}");

    let page = json_call(&app, "segments/members", json!({"id": id, "offset": 0})).await;
    assert_eq!(page["count"]["members"].as_u64(), Some(3));
    let rows: Vec<&str> =
        page["rows"].as_array().expect("rows").iter().map(|r| r["user_id"].as_str().unwrap_or("")).collect();
    assert_eq!(rows, ["u1", "u3", "u5"]);
    assert_eq!(page["rows"][0]["phone_masked"], "138****8001");

    let list = json!({"form": {"id": null, "name": "名单", "description": "", "kind": "list", "list": "u2\nu4, ghost",
        "rule": {"all": true, "conditions": []}}});
    let saved_list = json_call(&app, "segments/save", list).await;
    assert_eq!(saved_list["unknown_ids"].as_u64(), Some(1));

    let segments = json_call(&app, "segments/list", json!({})).await;
    assert_eq!(segments.as_array().map(Vec::len), Some(2));

    let with_city =
        json_call(&app, "segments/members", json!({"id": id, "offset": 0, "columns": ["city", "phone"]})).await;
    assert_eq!(with_city["rows"][0]["values"], json!(["上海", "138****8001"]), "chosen columns, phone masked");

    let csv =
        app.http.get(app.url(&format!("/api/segments/{id}/members.csv?columns=city"))).send().await.expect("export");
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("csv");
    assert!(
        text.contains("user_id,phone,city\n")
            && text.contains("u1,138****8001,上海\n")
            && text.contains("u3,,上海\n")
            && !text.contains("13800138001"),
        "{text}"
    );

    json_call(&app, "segments/delete", json!({"id": id})).await;
    let (status, _) = app.call("segments/members", json!({"id": id, "offset": 0})).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn changing_the_phone_attribute_recomputes_phones() {
    let app = seeded().await;
    let csv = "user_id,mobile\nu3,13900139003\nu1,bad\n";
    assert_eq!(upload(&app, "m.csv", csv.as_bytes().to_vec(), "application/json").await.status(), 200);
    let settings = json_call(&app, "settings/sms", json!({})).await;
    let choices = settings["attribute_choices"].as_array().expect("choices");
    assert!(choices.contains(&json!("mobile")) && choices.contains(&json!("city")), "{choices:?}");
    assert!(!choices.contains(&json!("points")), "numbers cannot hold phones: {choices:?}");
    json_call(&app, "settings/phone-attribute", json!({"name": "mobile"})).await;
    let overview = json_call(&app, "users/overview", json!({})).await;
    assert_eq!(overview["with_phone"].as_u64(), Some(1), "only u3 has a valid mobile");
    let count = json_call(
        &app,
        "segments/count",
        json!({"rule": {"all": true, "conditions": [{"attribute": "city", "op": "eq", "values": ["上海"]}]}}),
    )
    .await;
    assert_eq!(count["with_phone"].as_u64(), Some(1), "live counts see the new phones");
    let hits = json_call(&app, "users/find", json!({"query": "13900139003"})).await;
    assert_eq!(hits[0]["user_id"], "u3");
}
