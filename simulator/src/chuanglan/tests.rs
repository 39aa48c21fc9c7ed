//! The simulator through real HTTP with chuda's own client: protocol, validation, faults,
//! reports.

use super::*;
use engine::provider::chuanglan::Client;
use engine::provider::{Batch, Content, ErrorClass, OutMessage};
use engine::settings::chuanglan::{Config, Credentials, Options};
use std::time::Duration;

async fn sim(change: impl FnOnce(&mut SimConfig)) -> Simulator {
    let mut cfg = SimConfig { report_delay_ms: 10, ..SimConfig::default() };
    change(&mut cfg);
    Simulator::start("127.0.0.1:0".parse().expect("addr"), cfg).await.expect("start")
}

fn creds(sim: &Simulator, password: &str) -> Credentials {
    Credentials {
        config: Config {
            signature: "示例商城".into(),
            account: "N1234567".into(),
            host: sim.addr.to_string(),
            plain_http: true,
            options: Options::default(),
        },
        password: password.into(),
    }
}

fn batch(text: &str, phones: &[(&str, &[&str])]) -> Batch {
    Batch {
        signature: "示例商城".into(),
        content: Content::Text(text.into()),
        messages: phones
            .iter()
            .map(|(p, v)| OutMessage { phone: (*p).into(), values: v.iter().map(|s| (*s).into()).collect() })
            .collect(),
        uid: Some("t-1".into()),
    }
}

#[tokio::test]
async fn a_plain_send_arrives_decoded_with_one_signature() {
    let s = sim(|_| {}).await;
    let out = Client::default()
        .submit(&creds(&s, "sim-password"), &batch("订单 已发货", &[("13800138000", &[]), ("13900139000", &[])]))
        .await
        .expect("accepted");
    assert_eq!((out.endpoint.as_str(), out.msg_id.len()), ("/msg/v1/send/json", 17));
    let got = s.accepted();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].text, "【示例商城】订单 已发货");
    assert_eq!(got[0].uid.as_deref(), Some("t-1"));
    let req = &s.received()[0];
    assert!(req.content_type.starts_with("application/json"), "{}", req.content_type);
}

#[tokio::test]
async fn a_variable_send_renders_each_group() {
    let s = sim(|_| {}).await;
    let b =
        batch("尊敬的{$var}，积分{$var}", &[("13800138000", &["王女士", "1200"]), ("13900139000", &["李先生", "80"])]);
    let out = Client::default().submit(&creds(&s, "sim-password"), &b).await.expect("ok");
    assert_eq!((out.endpoint.as_str(), out.accepted, out.failed), ("/msg/variable/json", 2, 0));
    let texts: Vec<String> = s.accepted().into_iter().map(|a| a.text).collect();
    assert_eq!(texts, ["【示例商城】尊敬的王女士，积分1200", "【示例商城】尊敬的李先生，积分80"]);
}

#[tokio::test]
async fn a_template_send_uses_the_fixture() {
    let s = sim(|_| {}).await;
    let b = Batch {
        content: Content::Template { id: "1021143438".into(), params: vec!["param1".into(), "param2".into()] },
        ..batch("", &[("13800138000", &["张三", "13"])])
    };
    let out = Client::default().submit(&creds(&s, "sim-password"), &b).await.expect("ok");
    assert_eq!(out.endpoint, "/msg/sms/v2/tpl/send");
    assert_eq!(s.accepted()[0].text, "【示例商城】尊敬的张三，您的积分13即将到期。拒收请回复R");
    s.configure(|c| c.templates[0].status = TemplateStatus::Rejected);
    let e = Client::default().submit(&creds(&s, "sim-password"), &b).await.expect_err("rejected");
    assert_eq!(e.code, "125");
    let unknown =
        Batch { content: Content::Template { id: "nope".into(), params: vec!["param1".into(), "param2".into()] }, ..b };
    assert_eq!(Client::default().submit(&creds(&s, "sim-password"), &unknown).await.expect_err("x").code, "152");
}

#[tokio::test]
async fn a_wrong_password_is_a_configuration_error() {
    let s = sim(|_| {}).await;
    let e = Client::default().balance(&creds(&s, "wrong")).await.expect_err("102");
    assert_eq!((e.code.as_str(), e.class), ("102", ErrorClass::Configuration));
    assert!(!e.to_string().contains("wrong"), "no secret in the error");
    assert_eq!(Client::default().balance(&creds(&s, "sim-password")).await.expect("balance"), "10000000");
}

#[tokio::test]
async fn injected_faults_outage_and_throttling_are_classified() {
    let s = sim(|c| {
        c.failure_rates.insert("104".into(), 1.0);
    })
    .await;
    let c = creds(&s, "sim-password");
    let b = batch("hi", &[("13800138000", &[])]);
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("busy").class, ErrorClass::Retryable);
    s.configure(|c| {
        c.failure_rates.clear();
        c.max_requests_per_sec = 1;
    });
    let _ = Client::default().submit(&c, &b).await;
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("throttled").code, "103");
    s.configure(|c| {
        c.max_requests_per_sec = 0;
        c.outage = true;
    });
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("down").code, "http-503");
    s.configure(|c| {
        c.outage = false;
        c.balance = 0;
    });
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("no balance").class, ErrorClass::Configuration);
}

/// The fault run's transport faults: a share of HTTP 503s (nothing accepted) and of accepted
/// requests whose answer comes after the client's timeout.
#[tokio::test]
async fn random_5xx_and_lost_answers_are_injected() {
    let s = sim(|c| c.http_5xx_rate = 1.0).await;
    let c = creds(&s, "sim-password");
    let b = batch("hi", &[("13800138000", &[])]);
    assert_eq!(Client::default().submit(&c, &b).await.expect_err("5xx").code, "http-503");
    assert_eq!(s.counts().1, 0, "a 503 accepts nothing");
    s.configure(|c| {
        c.http_5xx_rate = 0.0;
        c.lost_answer_rate = 1.0;
        c.lost_answer_ms = 400;
    });
    let e = Client::with_timeout(Duration::from_millis(100)).submit(&c, &b).await.expect_err("lost answer");
    assert_eq!(e.code, "timeout");
    assert_eq!(s.counts().1, 1, "accepted although the answer was lost");
}

#[tokio::test]
async fn a_slow_vendor_times_out_as_retryable() {
    let s = sim(|c| c.latency_ms = 500).await;
    let e = Client::with_timeout(Duration::from_millis(100))
        .submit(&creds(&s, "sim-password"), &batch("hi", &[("13800138000", &[])]))
        .await
        .expect_err("timeout");
    assert_eq!((e.code.as_str(), e.class), ("timeout", ErrorClass::Retryable));
}

#[tokio::test]
async fn the_simulator_rejects_what_the_spec_rejects() {
    let s = sim(|_| {}).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: String| http.post(format!("{}{path}", s.url())).body(body).send();
    let code = |v: serde_json::Value| v["code"].as_str().unwrap_or_default().to_owned();
    let answer =
        |b: &str| serde_json::json!({"account":"N1234567","password":"sim-password","msg":"【示例商城】hi","phone":b});
    let cases = [
        ("not json".to_owned(), "129"),
        (serde_json::json!({"account":"N1234567"}).to_string(), "130"),
        (serde_json::json!({"account":"X","password":"p","msg":"m","phone":"1"}).to_string(), "101"),
        (answer("13800138000,1380013800").to_string(), "107"),
        (serde_json::json!({"account":"N1234567","password":"sim-password","msg":"no signature","phone":"13800138000"}).to_string(), "116"),
        (serde_json::json!({"account":"N1234567","password":"sim-password","msg":"【示例商城】hi","phone":"13800138000","sendtime":"2024"}).to_string(), "127"),
    ];
    for (body, expected) in cases {
        let v: serde_json::Value =
            post("/msg/send/json", body.clone()).await.expect("post").json().await.expect("json");
        assert_eq!(code(v), expected, "{body}");
    }
    let many: Vec<String> = (0..1001).map(|i| format!("138{i:08}")).collect();
    let v: serde_json::Value =
        post("/msg/send/json", answer(&many.join(",")).to_string()).await.expect("p").json().await.expect("j");
    assert_eq!(code(v), "108");
}

#[tokio::test]
async fn every_accepted_phone_gets_one_report_by_pull() {
    let s = sim(|c| {
        c.delivered_ratio = 0.5;
        c.seed = 7;
    })
    .await;
    let c = creds(&s, "sim-password");
    let phones: Vec<String> = (0..150).map(|i| format!("139{i:08}")).collect();
    let b = Batch {
        messages: phones.iter().map(|p| OutMessage { phone: p.clone(), values: vec![] }).collect(),
        ..batch("hi", &[])
    };
    let out = Client::default().submit(&c, &b).await.expect("ok");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut reports = Vec::new();
    loop {
        let got = Client::default().pull_reports(&c).await.expect("pull");
        if got.is_empty() {
            break;
        }
        assert!(got.len() <= 100);
        reports.extend(got);
    }
    assert_eq!(reports.len(), 150);
    assert!(reports.iter().all(|r| r.msg_id == out.msg_id && r.uid.as_deref() == Some("t-1")));
    let delivered = reports.iter().filter(|r| r.status == "DELIVRD").count();
    assert!((40..=110).contains(&delivered), "about half delivered: {delivered}");
    let mut seen: Vec<&str> = reports.iter().map(|r| r.phone.as_str()).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 150, "one report per phone");
}

#[tokio::test]
async fn reports_are_pushed_as_get_with_receiver_and_pswd() {
    use axum::extract::Query;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};
    let got: Arc<Mutex<Vec<HashMap<String, String>>>> = Arc::default();
    let sink = got.clone();
    let app = axum::Router::new().route(
        "/cb",
        axum::routing::get(move |Query(q): Query<HashMap<String, String>>| {
            let sink = sink.clone();
            async move {
                sink.lock().expect("lock").push(q);
                "OK"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let s = sim(|c| {
        c.push_url = Some(url);
        c.push_receiver = "cl_push".into();
        c.push_pswd = "s3cret".into();
    })
    .await;
    let out = Client::default()
        .submit(&creds(&s, "sim-password"), &batch("hi", &[("13800138000", &[]), ("13900139000", &[])]))
        .await
        .expect("ok");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let pushed = got.lock().expect("lock").clone();
    assert_eq!(pushed.len(), 2);
    for q in &pushed {
        let report = engine::provider::chuanglan::reports::parse_pushed(q).expect("parsable");
        assert_eq!((report.msg_id.as_str(), report.status.as_str()), (out.msg_id.as_str(), "DELIVRD"));
        assert_eq!((q["receiver"].as_str(), q["pswd"].as_str(), q["uid"].as_str()), ("cl_push", "s3cret", "t-1"));
        assert_eq!(report.status_desc, "短信发送成功");
        assert_eq!(report.notify_time.len(), 12);
    }
    assert_eq!(s.pending_reports(), 0, "acknowledged pushes are not queued for pull");
}

#[tokio::test]
async fn the_marketing_account_refuses_content_without_the_refusal_suffix() {
    let s = sim(|_| {}).await;
    let mut market = creds(&s, "sim-market-password");
    market.config.account = "M1234567".into();
    let plain = batch("会员日满100减20", &[("13800138000", &[])]);
    let e = Client::default().submit(&market, &plain).await.expect_err("158");
    assert_eq!((e.code.as_str(), e.class), ("158", ErrorClass::Permanent));
    let variable = batch("{$var}您好，会员日满100减20", &[("13800138000", &["王女士"])]);
    assert_eq!(Client::default().submit(&market, &variable).await.expect_err("158").code, "158");
    Client::default()
        .submit(&market, &batch("会员日满100减20 拒收请回复R", &[("13800138000", &[])]))
        .await
        .expect("ok");
    Client::default().submit(&creds(&s, "sim-password"), &plain).await.expect("the notification account accepts it");
    assert_eq!(s.accepted().len(), 2);
}

#[tokio::test]
async fn injected_replies_are_pulled_once() {
    let s = sim(|_| {}).await;
    s.reply("13800138000", "R").await.expect("reply");
    s.reply("13900139000", "退订").await.expect("reply");
    let c = creds(&s, "sim-password");
    let got = Client::default().pull_replies(&c).await.expect("pull");
    assert_eq!(
        got.iter().map(|r| (r.phone.as_str(), r.content.as_str())).collect::<Vec<_>>(),
        [("13800138000", "R"), ("13900139000", "退订")]
    );
    assert!(got[0].mo_time.len() == 10, "{:?}", got[0]);
    assert!(Client::default().pull_replies(&c).await.expect("pull").is_empty(), "deleted once pulled (§7.2)");
}
