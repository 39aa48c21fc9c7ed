//! 创蓝 through the running server: 测试连接 and 发送测试短信 against the simulator, both as
//! a configured vendor (http on loopback) and through 沙箱模式.

use crate::common;

use common::spawn_app;
use serde_json::{json, Value};
use simulator::chuanglan::{SimConfig, Simulator};

async fn simulator() -> Simulator {
    Simulator::start("127.0.0.1:0".parse().expect("addr"), SimConfig::default()).await.expect("sim")
}

fn card(sim: &Simulator, password: &str) -> Value {
    json!({"form": {"enabled": true, "signature": "示例商城", "account": "N1234567",
        "host": format!("{}/msg/send/json", sim.url()), "password": password}})
}

fn send(phones: &str, content: &str, values: &[&str]) -> Value {
    json!({"form": {"phones": phones, "content": content, "template_id": "", "values": values}})
}

#[tokio::test]
async fn a_test_send_reaches_the_simulator_on_the_endpoint_its_content_selects() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    assert_eq!(t.call("settings/chuanglan", card(&sim, "sim-password")).await.0, 200);
    let (status, body) =
        t.call("settings/chuanglan/test-send", send("138 0013 8000, +8613900139000", "您好", &[])).await;
    assert_eq!(status, 200, "{body}");
    let res: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(res["endpoint"], "/msg/v1/send/json");
    assert_eq!(res["sandbox"], false);
    assert_eq!(res["sent_to"], json!(["138****8000", "139****9000"]));
    let req = sim.received().into_iter().last().expect("request");
    assert_eq!(req.path, "/msg/v1/send/json");
    assert_eq!(req.body["phone"], "13800138000,13900139000");
    assert_eq!(req.body["account"], "N1234567");
    assert_eq!(sim.accepted()[0].text, "【示例商城】您好");
    assert_eq!(res["msg_id"], json!(sim.accepted()[0].msg_id));

    let (_, body) = t
        .call("settings/chuanglan/test-send", send("13800138000", "尊敬的{$var}，积分{$var}", &["王女士", "1200"]))
        .await;
    let res: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(res["endpoint"], "/msg/variable/json", "{body}");
    assert_eq!(sim.received().last().expect("req").body["params"], "13800138000,王女士,1200");
    assert_eq!(sim.accepted().last().expect("msg").text, "【示例商城】尊敬的王女士，积分1200");
}

#[tokio::test]
async fn invalid_phones_are_reported_one_by_one_and_valid_ones_still_go() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    t.call("settings/chuanglan", card(&sim, "sim-password")).await;
    let (status, body) = t.call("settings/chuanglan/test-send", send("13800138000 1234 1380013800a", "hi", &[])).await;
    assert_eq!(status, 200, "{body}");
    let res: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(res["invalid"][0]["input"], "1234");
    assert_eq!(res["invalid"][0]["reason"], "号码应为 11 位");
    assert_eq!(res["invalid"][1]["reason"], "号码包含非数字字符");
    assert_eq!(sim.accepted().len(), 1);
    let (status, body) = t.call("settings/chuanglan/test-send", send("1234", "hi", &[])).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("test_phones"));
    let (_, body) = t.call("settings/chuanglan/test-send", send("13800138000", "{$var}", &[])).await;
    assert!(body.contains("test_values"), "{body}");
}

#[tokio::test]
async fn a_wrong_password_gives_the_credential_error_in_chinese() {
    let sim = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    t.call("settings/chuanglan", card(&sim, "wrong-password")).await;
    let (status, body) = t.call("settings/chuanglan/test", json!({})).await;
    assert_eq!(status, 502, "{body}");
    let err: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(err["ProviderRejected"]["code"], "102");
    assert!(err["ProviderRejected"]["message"].as_str().unwrap_or_default().contains("密码错误"), "{body}");
    assert!(!body.contains("wrong-password"), "no secret in the answer");
    let (_, body) = t.call("settings/chuanglan/test-send", send("13800138000", "hi", &[])).await;
    assert!(body.contains("102"), "{body}");
    t.call("settings/chuanglan", card(&sim, "sim-password")).await;
    let (status, body) = t.call("settings/chuanglan/test", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("10000000"), "balance shown: {body}");
}

#[tokio::test]
async fn the_sandbox_needs_no_account_and_never_touches_the_vendor() {
    let vendor = simulator().await;
    let t = spawn_app().await;
    t.login().await;
    let (_, body) = t.call("settings/chuanglan/test-send", send("13800138000", "hi", &[])).await;
    assert!(body.contains("请先保存"), "without sandbox or account: {body}");
    let (status, body) = t.call("settings/chuanglan/sandbox", json!({"on": true})).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t.call("settings/chuanglan/test-send", send("13800138000", "沙箱你好", &[])).await;
    assert_eq!(status, 200, "{body}");
    let res: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(res["sandbox"], true);
    assert!(!res["msg_id"].as_str().unwrap_or_default().is_empty());
    assert_eq!(t.app.sandbox.accepted().last().expect("sandbox got it").text, "【沙箱测试】沙箱你好");
    t.call("settings/chuanglan", card(&vendor, "sim-password")).await;
    t.call("settings/chuanglan/test-send", send("13800138000", "still sandbox", &[])).await;
    assert!(vendor.received().is_empty(), "the vendor is not used while the sandbox is on");
    let (_, page) = t.call("settings/sms", json!({})).await;
    assert!(page.contains("\"sandbox\":true"), "{page}");
    t.call("settings/chuanglan/sandbox", json!({"on": false})).await;
    t.call("settings/chuanglan/test-send", send("13800138000", "real now", &[])).await;
    assert_eq!(vendor.accepted().len(), 1);
}
