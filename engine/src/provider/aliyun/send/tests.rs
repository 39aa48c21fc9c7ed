use super::*;
use crate::provider::OutMessage;
use crate::settings::aliyun::Config;

fn creds() -> Credentials {
    Credentials {
        config: Config {
            signature: "示例商城".into(),
            access_key_id: "LTAIExampleKeyId".into(),
            endpoint: "dysmsapi.aliyuncs.com".into(),
            plain_http: false,
        },
        access_key_secret: "ExampleSecretDoNotUse".into(),
    }
}

fn batch(values: &[&[&str]]) -> Batch {
    Batch {
        signature: "示例商城".into(),
        content: Content::Template { id: "SMS_465000001".into(), params: vec!["name".into()] },
        messages: values
            .iter()
            .enumerate()
            .map(|(i, v)| OutMessage {
                phone: format!("1380013800{i}"),
                values: v.iter().map(|s| (*s).into()).collect(),
            })
            .collect(),
        uid: Some("c7-b1".into()),
    }
}

#[test]
fn identical_values_use_send_sms() {
    let (action, p) = build(&creds(), &batch(&[&["张三"], &["张三"]])).expect("build");
    assert_eq!(action, "SendSms");
    assert_eq!(p["PhoneNumbers"], "13800138000,13800138001");
    assert_eq!(p["SignName"], "示例商城");
    assert_eq!(p["TemplateParam"], r#"{"name":"张三"}"#);
    assert_eq!(p["OutId"], "c7-b1");
}

#[test]
fn per_phone_values_use_send_batch_sms() {
    let (action, p) = build(&creds(), &batch(&[&["张三"], &["李四"]])).expect("build");
    assert_eq!(action, "SendBatchSms");
    assert_eq!(p["PhoneNumberJson"], r#"["13800138000","13800138001"]"#);
    assert_eq!(p["SignNameJson"], r#"["示例商城","示例商城"]"#);
    assert_eq!(p["TemplateParamJson"], r#"[{"name":"张三"},{"name":"李四"}]"#);
}

#[test]
fn free_text_and_bad_counts_are_refused_before_sending() {
    let text = Batch { content: Content::Text("hi".into()), ..batch(&[&["x"]]) };
    assert_eq!(build(&creds(), &text).expect_err("text").code, "template-required");
    assert_eq!(build(&creds(), &batch(&[&[]])).expect_err("missing").code, "isv.TEMPLATE_MISSING_PARAMETERS");
    let many: Vec<[&str; 1]> = (0..101).map(|i| if i % 2 == 0 { ["a"] } else { ["b"] }).collect();
    let refs: Vec<&[&str]> = many.iter().map(|v| v.as_slice()).collect();
    assert_eq!(build(&creds(), &batch(&refs)).expect_err("101").code, "isv.MOBILE_COUNT_OVER_LIMIT");
}
