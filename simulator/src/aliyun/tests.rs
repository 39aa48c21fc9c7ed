//! The Aliyun simulator through real HTTP with chuda's own signed client.

use super::*;
use engine::provider::aliyun::Client;
use engine::provider::{Batch, Content, ErrorClass, OutMessage};
use engine::settings::aliyun::{Config, Credentials};
use std::time::Duration;

async fn sim() -> AliyunSimulator {
    let cfg = AliSimConfig { receipt_delay_ms: 50, ..AliSimConfig::default() };
    AliyunSimulator::start("127.0.0.1:0".parse().expect("addr"), cfg).await.expect("start")
}

fn creds(s: &AliyunSimulator, secret: &str) -> Credentials {
    Credentials {
        config: Config {
            signature: "示例商城".into(),
            access_key_id: "LTAIExampleKeyId".into(),
            endpoint: s.addr.to_string(),
            plain_http: true,
        },
        access_key_secret: secret.into(),
    }
}

fn batch(code: &str, values: &[&[&str]]) -> Batch {
    Batch {
        signature: "示例商城".into(),
        content: Content::Template { id: code.into(), params: vec!["name".into(), "points".into()] },
        messages: values
            .iter()
            .enumerate()
            .map(|(i, v)| OutMessage {
                phone: format!("1380013800{i}"),
                values: v.iter().map(|s| (*s).into()).collect(),
            })
            .collect(),
        uid: Some("c1".into()),
    }
}

#[tokio::test]
async fn a_signed_send_sms_is_accepted_and_rendered() {
    let s = sim().await;
    let out = Client::default()
        .submit(
            &creds(&s, "ExampleSecretDoNotUse"),
            &batch("SMS_465000001", &[&["王女士", "1200"], &["王女士", "1200"]]),
        )
        .await
        .expect("ok");
    assert_eq!(out.endpoint, "SendSms");
    assert!(out.msg_id.ends_with("^0") && out.msg_id.len() == 20, "{}", out.msg_id);
    let m = s.messages();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].text, "【示例商城】尊敬的王女士，您的积分1200即将到期。拒收请回复R");
    assert_eq!(m[0].out_id, "c1");
}

#[tokio::test]
async fn per_phone_values_go_through_send_batch_sms() {
    let s = sim().await;
    let out = Client::default()
        .submit(&creds(&s, "ExampleSecretDoNotUse"), &batch("SMS_465000001", &[&["张三", "1"], &["李四", "2"]]))
        .await
        .expect("ok");
    assert_eq!(out.endpoint, "SendBatchSms");
    let texts: Vec<String> = s.messages().into_iter().map(|m| m.text).collect();
    assert!(texts[1].contains("李四") && texts[1].contains("积分2"), "{texts:?}");
}

#[tokio::test]
async fn a_wrong_secret_gets_signature_does_not_match() {
    let s = sim().await;
    let e = Client::default().query_sign(&creds(&s, "wrong-secret")).await.expect_err("bad secret");
    assert_eq!((e.code.as_str(), e.class), ("SignatureDoesNotMatch", ErrorClass::Configuration));
    assert!(!e.to_string().contains("wrong-secret"));
    let mut c = creds(&s, "ExampleSecretDoNotUse");
    c.config.access_key_id = "LTAIUnknown".into();
    assert_eq!(Client::default().query_sign(&c).await.expect_err("unknown id").code, "InvalidAccessKeyId.NotFound");
}

#[tokio::test]
async fn template_status_and_parameters_come_from_query_sms_template() {
    let s = sim().await;
    let c = creds(&s, "ExampleSecretDoNotUse");
    let t = Client::default().query_template(&c, "SMS_465000001").await.expect("approved");
    assert!(t.approved());
    assert_eq!(t.params(), ["name", "points"]);
    let pending = Client::default().query_template(&c, "SMS_465000002").await.expect("pending");
    assert_eq!((pending.approved(), pending.label()), (false, "审核中"));
    let e = Client::default().submit(&c, &batch("SMS_465000002", &[&["a", "b"]])).await.expect_err("unapproved");
    assert_eq!(e.code, "isv.SMS_TEMPLATE_ILLEGAL");
    assert_eq!(Client::default().query_sign(&c).await.expect("sign").label(), "审核通过");
}

#[tokio::test]
async fn send_details_turn_from_waiting_to_delivered() {
    let s = sim().await;
    let c = creds(&s, "ExampleSecretDoNotUse");
    let out = Client::default().submit(&c, &batch("SMS_465000001", &[&["王", "1"]])).await.expect("ok");
    let day = s.messages()[0].send_day.clone();
    let (total, rows) =
        Client::default().query_send_details(&c, "13800138000", &day, Some(&out.msg_id), 1).await.expect("q");
    assert_eq!((total, rows[0].send_status), (1, 1));
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (_, rows) = Client::default().query_send_details(&c, "13800138000", &day, None, 1).await.expect("q");
    assert_eq!((rows[0].send_status, rows[0].err_code.as_str(), rows[0].out_id.as_str()), (3, "DELIVERED", "c1"));
}

#[tokio::test]
async fn faults_and_outages_are_classified() {
    let s = sim().await;
    let c = creds(&s, "ExampleSecretDoNotUse");
    s.configure(|cfg| {
        cfg.failure_rates.insert("isv.AMOUNT_NOT_ENOUGH".into(), 1.0);
    });
    let b = batch("SMS_465000001", &[&["a", "b"]]);
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("balance").class, ErrorClass::Configuration);
    s.configure(|cfg| {
        cfg.failure_rates.clear();
        cfg.failure_rates.insert("Throttling.User".into(), 1.0);
    });
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("throttled").class, ErrorClass::Retryable);
    s.configure(|cfg| cfg.outage = true);
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("down").code, "http-503");
}

#[tokio::test]
async fn a_replayed_request_is_refused_as_a_used_nonce() {
    let s = sim().await;
    let mut p = BTreeMap::new();
    p.insert("SignName".to_owned(), "示例商城".to_owned());
    engine::provider::aliyun::sign::add_common(&mut p, "QuerySmsSign", "LTAIExampleKeyId");
    let sig = engine::provider::aliyun::sign::sign("POST", &p, "ExampleSecretDoNotUse");
    p.insert("Signature".into(), sig);
    let body = engine::provider::aliyun::sign::form_body(&p);
    let http = reqwest::Client::new();
    let first: serde_json::Value =
        http.post(format!("{}/", s.url())).body(body.clone()).send().await.expect("1").json().await.expect("j");
    assert_eq!(first["Code"], "OK");
    let again = http.post(format!("{}/", s.url())).body(body).send().await.expect("2");
    assert_eq!(again.status(), 400);
    let again: serde_json::Value = again.json().await.expect("j");
    assert_eq!(
        (again["Code"].as_str(), again["HostId"].as_str()),
        (Some("SignatureNonceUsed"), Some("dysmsapi.aliyuncs.com"))
    );
}

/// Aliyun ends the SignatureDoesNotMatch message with the string it signed; the official SDKs
/// split on `server string to sign is:` and compare it with their own.
#[tokio::test]
async fn a_signature_mismatch_quotes_the_server_string_to_sign() {
    let s = sim().await;
    let mut p = BTreeMap::new();
    p.insert("SignName".to_owned(), "示例商城".to_owned());
    engine::provider::aliyun::sign::add_common(&mut p, "QuerySmsSign", "LTAIExampleKeyId");
    let expected = engine::provider::aliyun::sign::string_to_sign("POST", &p);
    let sig = engine::provider::aliyun::sign::sign("POST", &p, "wrong-secret");
    p.insert("Signature".into(), sig);
    let body = engine::provider::aliyun::sign::form_body(&p);
    let answer = reqwest::Client::new().post(format!("{}/", s.url())).body(body).send().await.expect("send");
    assert_eq!(answer.status(), 400);
    let answer: serde_json::Value = answer.json().await.expect("json");
    let message = answer["Message"].as_str().expect("message");
    let quoted = message.split("server string to sign is:").nth(1).expect("the SDK's marker");
    assert_eq!(quoted, expected);
    assert!(!message.contains("wrong-secret"));
}
