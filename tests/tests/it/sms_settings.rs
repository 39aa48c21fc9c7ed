//! The 短信配置 page and its server functions: saving, validation, write-only secrets and
//! persistence across restarts.

use crate::common;

use common::{chuanglan_form, spawn_app, PLANTED};
use serde_json::json;

#[tokio::test]
async fn a_saved_secret_never_comes_back_from_any_page_or_server_function() {
    let t = spawn_app().await;
    t.login().await;
    let (status, saved) = t.call("settings/chuanglan", chuanglan_form(PLANTED)).await;
    assert_eq!(status, 200, "{saved}");
    let aliyun = json!({"form": {"enabled": true, "signature": "示例商城", "access_key_id": "LTAIExampleKeyId", "access_key_secret": PLANTED, "endpoint": ""}});
    let (status, saved_aliyun) = t.call("settings/aliyun", aliyun).await;
    assert_eq!(status, 200, "{saved_aliyun}");
    let mut bodies = vec![saved, saved_aliyun];
    for path in ["/", "/login", "/settings/sms", "/account", "/nope"] {
        bodies.push(t.get_page(path).await.1);
    }
    for (endpoint, body) in common::all_server_fns() {
        if !endpoint.starts_with("auth/") && !endpoint.ends_with("/test") && !endpoint.contains("chuanglan") {
            bodies.push(t.call(endpoint, body).await.1);
        }
    }
    for body in &bodies {
        assert!(!body.contains(PLANTED), "secret leaked in: {body}");
    }
    let view: serde_json::Value = serde_json::from_str(&bodies[0]).expect("json");
    assert_eq!(view["has_password"], true);
    assert_eq!(view["host"], "smssh1.253.com");
    assert_eq!(view["signature"], "示例商城");
}

#[tokio::test]
async fn field_errors_name_the_field_in_chinese_and_nothing_is_saved() {
    let t = spawn_app().await;
    t.login().await;
    let form = json!({"form": {"enabled": true, "signature": "【】", "account": "", "host": "http://smssh1.253.com", "password": ""}});
    let (status, body) = t.call("settings/chuanglan", form).await;
    assert_eq!(status, 422, "{body}");
    let err: serde_json::Value = serde_json::from_str(&body).expect("json error");
    let errors = err["Validation"]["errors"].as_array().expect("field errors");
    let fields: Vec<&str> = errors.iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["signature", "account", "host"]);
    assert!(errors[2]["message"].as_str().unwrap_or_default().contains("https"));
    let (_, page) = t.call("settings/sms", json!({})).await;
    let page: serde_json::Value = serde_json::from_str(&page).expect("json");
    assert_eq!(page["chuanglan"]["saved"], false);
}

#[tokio::test]
async fn settings_survive_a_restart_and_the_secret_still_opens() {
    let t = spawn_app().await;
    t.login().await;
    assert_eq!(t.call("settings/chuanglan", chuanglan_form(PLANTED)).await.0, 200);
    assert_eq!(t.call("settings/phone-attribute", json!({"name": "mobile"})).await.0, 200);
    let t = t.restart().await;
    t.login().await;
    let (_, page) = t.call("settings/sms", json!({})).await;
    let page: serde_json::Value = serde_json::from_str(&page).expect("json");
    assert_eq!(page["phone_attribute"], "mobile");
    assert_eq!(page["chuanglan"]["account"], "N1234567");
    assert_eq!(page["chuanglan"]["has_password"], true);
    let creds = engine::settings::chuanglan::credentials(&t.app.state.db, &t.app.state.key)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(creds.password, PLANTED);
}

#[tokio::test]
async fn the_master_key_database_and_data_directory_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let t = spawn_app().await;
    let meta = std::fs::metadata(t.dir.path().join("master.key")).expect("key file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let db = std::fs::metadata(t.dir.path().join("chuda.db")).expect("database file");
    assert_eq!(db.permissions().mode() & 0o777, 0o600, "the database is owner-only");
    let dir = std::fs::metadata(t.dir.path()).expect("data dir");
    assert_eq!(dir.permissions().mode() & 0o777, 0o700, "the data directory is owner-only");
}

#[tokio::test]
async fn testing_a_connection_before_saving_asks_to_save_first() {
    let t = spawn_app().await;
    t.login().await;
    let (_, body) = t.call("settings/chuanglan/test", json!({})).await;
    assert!(body.contains("请先保存"), "{body}");
}
