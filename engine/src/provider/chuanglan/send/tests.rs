//! Request shapes per endpoint (Chuanglan §4, §5, §16) and answer parsing.

use super::*;
use crate::provider::OutMessage;
use crate::settings::chuanglan::Config;

fn creds() -> Credentials {
    Credentials {
        config: Config {
            signature: "示例商城".into(),
            account: "N1234567".into(),
            host: "smssh1.253.com".into(),
            plain_http: false,
            options: Options::default(),
        },
        password: "Abc123def456".into(),
    }
}

fn batch(content: Content, messages: &[(&str, &[&str])]) -> Batch {
    Batch {
        signature: "示例商城".into(),
        content,
        messages: messages
            .iter()
            .map(|(p, v)| OutMessage { phone: (*p).into(), values: v.iter().map(|s| (*s).into()).collect() })
            .collect(),
        uid: Some("c1-b1".into()),
    }
}

#[test]
fn plain_content_goes_to_the_plain_endpoint_url_encoded() {
    let b = batch(Content::Text("您的订单已发货 详见 a?b=1".into()), &[("13800138000", &[]), ("13900139000", &[])]);
    let r = build(&creds(), &b).expect("build");
    assert_eq!(r.path, "/msg/v1/send/json");
    assert_eq!(r.body["phone"], "13800138000,13900139000");
    assert_eq!(r.body["account"], "N1234567");
    assert_eq!(r.body["password"], "Abc123def456");
    assert_eq!(r.body["report"], "true");
    assert_eq!(r.body["uid"], "c1-b1");
    let msg = r.body["msg"].as_str().expect("msg");
    assert!(msg.starts_with("%E3%80%90"), "starts with an encoded 【: {msg}");
    assert!(msg.contains('+') && msg.contains("a%3Fb%3D1"), "{msg}");
    let decoded: String = form_urlencoded::parse(format!("m={msg}").as_bytes()).map(|(_, v)| v.into_owned()).collect();
    assert_eq!(decoded, "【示例商城】您的订单已发货 详见 a?b=1");
    assert!(r.body.get("params").is_none());
    assert!(!format!("{r:?}").contains("Abc123def456"), "Debug never shows the password");
}

#[test]
fn the_spec_example_encodes_exactly() {
    let text = "【示例商城】会员日满100减20，详见 https://e.example.cn/a?b=1 拒收请回复R";
    assert_eq!(form_encode(text), "%E3%80%90%E7%A4%BA%E4%BE%8B%E5%95%86%E5%9F%8E%E3%80%91%E4%BC%9A%E5%91%98%E6%97%A5%E6%BB%A1100%E5%87%8F20%EF%BC%8C%E8%AF%A6%E8%A7%81+https%3A%2F%2Fe.example.cn%2Fa%3Fb%3D1+%E6%8B%92%E6%94%B6%E8%AF%B7%E5%9B%9E%E5%A4%8DR");
}

#[test]
fn slots_select_the_variable_endpoint_with_params_groups() {
    let b = batch(
        Content::Text("【示例商城】尊敬的{$var}，积分{$var}".into()),
        &[("13800138000", &["王女士", "1,200"]), ("13900139000", &["李先生", "80;"])],
    );
    let r = build(&creds(), &b).expect("build");
    assert_eq!(r.path, "/msg/variable/json");
    assert_eq!(r.body["msg"], "【示例商城】尊敬的{$var}，积分{$var}", "signature once, raw text");
    assert_eq!(r.body["params"], "13800138000,王女士,1，200;13900139000,李先生,80；");
    assert!(r.body.get("phone").is_none());
}

#[test]
fn a_group_with_the_wrong_number_of_values_is_refused_before_sending() {
    let b = batch(Content::Text("{$var}{$var}".into()), &[("13800138000", &["only one"])]);
    let e = build(&creds(), &b).expect_err("mismatch");
    assert_eq!((e.code.as_str(), e.class), ("114", ErrorClass::Permanent));
    assert!(e.explanation.contains("138****8000"), "phones masked in errors: {}", e.explanation);
}

#[test]
fn too_long_content_is_refused_before_sending() {
    let b = batch(Content::Text("字".repeat(531)), &[("13800138000", &[])]);
    assert_eq!(build(&creds(), &b).expect_err("long").code, "106");
    let ok = batch(Content::Text("字".repeat(530)), &[("13800138000", &[])]);
    assert!(build(&creds(), &ok).is_ok(), "536 with the 6-character signature is allowed");
}

#[test]
fn more_than_1000_phones_is_refused() {
    let phones: Vec<String> = (0..1001).map(|i| format!("138{i:08}")).collect();
    let b = Batch {
        messages: phones.iter().map(|p| OutMessage { phone: p.clone(), values: vec![] }).collect(),
        ..batch(Content::Text("hi".into()), &[])
    };
    assert_eq!(build(&creds(), &b).expect_err("too many").code, "108");
}

#[test]
fn template_sends_use_the_configured_fields() {
    let b = batch(
        Content::Template { id: "1021143438".into(), params: vec!["param1".into(), "param2".into()] },
        &[("13800138000", &["张三", "13"]), ("13900139000", &["李四", "88"])],
    );
    let r = build(&creds(), &b).expect("build");
    assert_eq!(r.path, "/msg/sms/v2/tpl/send");
    assert_eq!(r.body["phoneNumbers"], "13800138000,13900139000");
    assert_eq!(r.body["templateId"], "1021143438");
    let params: Value = serde_json::from_str(r.body["templateParamJson"].as_str().expect("string")).expect("json");
    assert_eq!(params, json!([{"param1": "张三", "param2": "13"}, {"param1": "李四", "param2": "88"}]));
    let mut c = creds();
    c.config.options.template_path = "/msg/json".into();
    c.config.options.template_phones_field = "phone".into();
    c.config.options.template_params_field = "param".into();
    let r = build(&c, &b).expect("build");
    assert_eq!((r.path.as_str(), r.body["phone"].as_str()), ("/msg/json", Some("13800138000,13900139000")));
    assert!(r.body.get("param").is_some());
}

#[test]
fn answers_are_parsed_leniently() {
    let ok =
        parse("/p", &json!({"code": "0", "msgId": "24052016300108812", "time": "20240520163001", "errorMsg": ""}), 2)
            .expect("ok");
    assert_eq!((ok.msg_id.as_str(), ok.accepted, ok.failed), ("24052016300108812", 2, 0));
    let v = parse("/p", &json!({"code": 0, "msgId": "1", "successNum": "1", "failNum": 1}), 2).expect("numbers");
    assert_eq!((v.accepted, v.failed), (1, 1));
    assert!(parse("/p", &json!({"code": "000000", "msgId": "x"}), 1).is_ok(), "template success code");
    let e = parse("/p", &json!({"code": "102", "msgId": "", "errorMsg": "密码错误"}), 1).expect_err("102");
    assert_eq!((e.class, e.vendor_message.as_deref()), (ErrorClass::Configuration, Some("密码错误")));
    assert_eq!(parse("/p", &json!({"nothing": 1}), 1).expect_err("garbage").code, "bad-response");
}
