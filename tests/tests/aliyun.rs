//! 阿里云 through the running server against the Aliyun simulator: 测试连接, 检查模板 and
//! 发送测试短信, with a wrong secret and an unapproved template.

mod common;

use common::spawn_app;
use engine::simulator::aliyun::{AliSimConfig, AliyunSimulator};
use serde_json::{json, Value};

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
