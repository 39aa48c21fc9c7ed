//! 阿里云 through the running server against the Aliyun simulator: 测试连接, 检查模板 and
//! 发送测试短信, with a wrong secret and an unapproved template.

use crate::common;

use common::spawn_app;
use serde_json::{json, Value};
use simulator::aliyun::{AliSimConfig, AliyunSimulator};

async fn simulator() -> AliyunSimulator {
    AliyunSimulator::start("127.0.0.1:0".parse().expect("addr"), AliSimConfig::default()).await.expect("sim")
}

fn card(sim: &AliyunSimulator, secret: &str) -> Value {
    json!({"form": {"enabled": true, "signature": "示例商城", "access_key_id": "LTAIExampleKeyId",
        "access_key_secret": secret, "endpoint": sim.url()}})
}

fn send(phones: &str, code: &str, values: &[&str]) -> Value {
    json!({"form": {"phones": phones, "content": "", "template_id": code, "values": values}})
}

#[tokio::test]
async fn the_connection_test_shows_the_signature_status() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    assert_eq!(t.call("settings/aliyun", card(&sim, "ExampleSecretDoNotUse")).await.0, 200);
    let (status, body) = t.call("settings/aliyun/test", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("审核通过"), "{body}");
    t.call("settings/aliyun", card(&sim, "WrongSecret")).await;
    let (status, body) = t.call("settings/aliyun/test", json!({})).await;
    assert_eq!(status, 502, "{body}");
    assert!(body.contains("SignatureDoesNotMatch") && body.contains("AccessKeySecret 不正确"), "{body}");
    assert!(!body.contains("WrongSecret"));
}

#[tokio::test]
async fn checking_a_template_reports_status_and_parameters() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    t.call("settings/aliyun", card(&sim, "ExampleSecretDoNotUse")).await;
    let (_, body) = t.call("settings/aliyun/template", json!({"code": "SMS_465000001"})).await;
    let check: Value = serde_json::from_str(&body).expect("json");
    assert_eq!((check["approved"].as_bool(), check["status"].as_str()), (Some(true), Some("审核通过")));
    assert_eq!(check["params"], json!(["name", "points"]));
    let (_, body) = t.call("settings/aliyun/template", json!({"code": "SMS_465000002"})).await;
    assert!(body.contains("审核中"), "{body}");
}

#[tokio::test]
async fn a_test_send_arrives_rendered_and_an_unapproved_template_is_blocked() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    t.call("settings/aliyun", card(&sim, "ExampleSecretDoNotUse")).await;
    let (status, body) =
        t.call("settings/aliyun/test-send", send("13800138000,12", "SMS_465000001", &["王女士", "1200"])).await;
    assert_eq!(status, 200, "{body}");
    let res: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(res["endpoint"], "SendSms");
    assert_eq!(res["invalid"][0]["input"], "12");
    let got = sim.messages();
    assert_eq!(got[0].text, "【示例商城】尊敬的王女士，您的积分1200即将到期。拒收请回复R");
    assert_eq!(res["msg_id"], json!(got[0].biz_id));
    let (status, body) = t.call("settings/aliyun/test-send", send("13800138000", "SMS_465000002", &["x"])).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("审核通过后才能发送"), "{body}");
    let (_, body) = t.call("settings/aliyun/test-send", send("13800138000", "SMS_465000001", &["only one"])).await;
    assert!(body.contains("模板有 2 个参数"), "{body}");
    assert_eq!(sim.messages().len(), 1, "nothing else was sent");
}

fn aliyun_campaign(segment: i64, code: &str) -> Value {
    json!({"name": "阿里云积分提醒", "segment_id": segment, "vendor": "aliyun", "signature": "示例商城",
        "mode": "template", "content": "", "template_id": code, "template_params": "name,points",
        "bindings": [{"attribute": "name", "fallback": "会员", "skip": false},
                     {"attribute": "points", "fallback": "100", "skip": false}], "schedule": ""})
}

#[tokio::test]
async fn a_campaign_through_aliyun_gets_its_receipts_into_the_ledger() {
    let sim = simulator().await;
    let (t, seg) = common::seeded_with(6, |s| s.sending.pull_receipts_secs = 1).await;
    assert_eq!(t.call("settings/aliyun", card(&sim, "ExampleSecretDoNotUse")).await.0, 200);
    let (status, body) = t
        .call("campaigns/create", json!({"form": aliyun_campaign(seg, "SMS_465000002"), "start_now": true, "key": "a"}))
        .await;
    assert!(status >= 400 && body.contains("审核"), "a template under review blocks the campaign: {status} {body}");

    let id = common::json_call(
        &t,
        "campaigns/create",
        json!({"form": aliyun_campaign(seg, "SMS_465000001"), "start_now": true, "key": "b"}),
    )
    .await
    .as_i64()
    .expect("id");
    let done = common::wait_status(&t, id, "completed").await;
    assert_eq!(done["row"]["submitted"].as_u64(), Some(3), "{done}");
    assert_eq!(sim.messages().len(), 3);
    assert!(sim.messages()[0].text.starts_with("【示例商城】尊敬的用户0"), "{}", sim.messages()[0].text);
    let mut stats = Value::Null;
    for _ in 0..100 {
        stats = common::json_call(&t, "campaigns/stats", json!({"id": id})).await;
        if stats["delivered"] == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(stats["delivered"], 3, "QuerySendDetails reports reached the ledger: {stats}");
    let q = json!({"query": {"campaign": id.to_string(), "status": "delivered", "vendor": "aliyun", "from": "",
        "to": "", "phone": "", "before": ""}});
    let page = common::json_call(&t, "ledger/page", q).await;
    let rows = page["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0]["vendor_label"].as_str(), rows[0]["receipt_status"].as_str()),
        (Some("阿里云"), Some("DELIVERED"))
    );
    assert_eq!(rows[0]["msg_id"], json!(sim.messages()[2].biz_id), "the BizId is the ledger msgId");
}

#[tokio::test]
async fn a_scheduled_campaign_with_a_template_under_review_goes_back_to_draft() {
    let sim = simulator().await;
    let (t, seg) = common::seeded_with(4, |_| {}).await;
    t.call("settings/aliyun", card(&sim, "ExampleSecretDoNotUse")).await;
    let at = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).expect("offset"))
        + time::Duration::seconds(2);
    let mut form = aliyun_campaign(seg, "SMS_465000002");
    form["schedule"] = json!(at
        .format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .expect("format"));
    let id = common::json_call(&t, "campaigns/create", json!({"form": form, "start_now": false, "key": "s"}))
        .await
        .as_i64()
        .expect("id");
    let held = common::wait_status(&t, id, "draft").await;
    let reason = held["row"]["status_reason"].as_str().unwrap_or_default().to_owned();
    assert!(reason.contains("审核中") && reason.contains("审核通过后"), "{reason}");
    assert!(sim.messages().is_empty(), "nothing was sent");
}
