//! The test vectors of Aliyun §3.5.

use super::*;

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn vector_a() -> BTreeMap<String, String> {
    params(&[
        ("AccessKeyId", "testId"),
        ("Action", "SendSms"),
        ("Format", "XML"),
        ("OutId", "123"),
        ("PhoneNumbers", "15300000001"),
        ("RegionId", "cn-hangzhou"),
        ("SignName", "阿里云短信测试专用"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
        ("SignatureVersion", "1.0"),
        ("TemplateCode", "SMS_71390007"),
        ("TemplateParam", "{\"customer\":\"test\"}"),
        ("Timestamp", "2017-07-12T02:42:19Z"),
        ("Version", "2017-05-25"),
    ])
}

fn vector_b() -> BTreeMap<String, String> {
    params(&[
        ("AccessKeyId", "LTAIExampleKeyId"),
        ("Action", "SendSms"),
        ("Format", "JSON"),
        ("OutId", "campaign-7/batch 1"),
        ("PhoneNumbers", "13800138000,13900139000"),
        ("RegionId", "cn-hangzhou"),
        ("SignName", "示例商城"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        ("SignatureVersion", "1.0"),
        ("TemplateCode", "SMS_465000001"),
        ("TemplateParam", "{\"name\":\"张 三\",\"coupon\":\"A*B~C+1\"}"),
        ("Timestamp", "2024-05-20T08:30:00Z"),
        ("Version", "2017-05-25"),
    ])
}

#[test]
fn vector_a_published_by_aliyun() {
    let p = vector_a();
    assert!(canonical(&p).starts_with("AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123"));
    assert!(
        canonical(&p).contains("&TemplateParam=%7B%22customer%22%3A%22test%22%7D&Timestamp=2017-07-12T02%3A42%3A19Z")
    );
    assert!(string_to_sign("GET", &p).starts_with("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms"));
    assert_eq!(sign("GET", &p, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
    assert_eq!(pe(&sign("GET", &p, "testSecret")), "zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D");
}

#[test]
fn vector_b_special_characters_and_method() {
    let p = vector_b();
    let expected = "AccessKeyId=LTAIExampleKeyId&Action=SendSms&Format=JSON&OutId=campaign-7%2Fbatch%201&PhoneNumbers=13800138000%2C13900139000&RegionId=cn-hangzhou&SignName=%E7%A4%BA%E4%BE%8B%E5%95%86%E5%9F%8E&SignatureMethod=HMAC-SHA1&SignatureNonce=3f2504e0-4f89-11d3-9a0c-0305e82c3301&SignatureVersion=1.0&TemplateCode=SMS_465000001&TemplateParam=%7B%22name%22%3A%22%E5%BC%A0%20%E4%B8%89%22%2C%22coupon%22%3A%22A%2AB~C%2B1%22%7D&Timestamp=2024-05-20T08%3A30%3A00Z&Version=2017-05-25";
    assert_eq!(canonical(&p), expected);
    assert_eq!(sign("POST", &p, "ExampleSecretDoNotUse"), "9TEtBekHzwYMjV9MFlf95eZoQXQ=");
    assert_eq!(sign("GET", &p, "ExampleSecretDoNotUse"), "V0pAiPHmsi9U7L76hAzGA9Oa+0o=");
}

#[test]
fn vector_c_send_batch_sms() {
    let p = params(&[
        ("AccessKeyId", "LTAIExampleKeyId"),
        ("Action", "SendBatchSms"),
        ("Format", "JSON"),
        ("RegionId", "cn-hangzhou"),
        ("PhoneNumberJson", "[\"13800138000\",\"13900139000\"]"),
        ("SignNameJson", "[\"示例商城\",\"示例商城\"]"),
        ("TemplateCode", "SMS_465000001"),
        ("TemplateParamJson", "[{\"name\":\"张三\"},{\"name\":\"李四\"}]"),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "9b2c7d1e-0000-4000-8000-000000000001"),
        ("SignatureVersion", "1.0"),
        ("Timestamp", "2024-05-20T08:31:00Z"),
        ("Version", "2017-05-25"),
    ]);
    assert_eq!(sign("POST", &p, "ExampleSecretDoNotUse"), "AbnHeXQk5RQ+v/SdcN3V/XxUCUY=");
}

#[test]
fn the_signature_parameter_is_not_signed() {
    let mut p = vector_a();
    p.insert("Signature".into(), "anything".into());
    assert_eq!(sign("GET", &p, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
}

#[test]
fn common_parameters_are_complete() {
    let mut p = BTreeMap::new();
    add_common(&mut p, "QuerySmsSign", "id");
    for key in [
        "AccessKeyId",
        "Action",
        "Format",
        "SignatureMethod",
        "SignatureNonce",
        "SignatureVersion",
        "Timestamp",
        "Version",
    ] {
        assert!(p.contains_key(key), "{key}");
    }
    assert_eq!(p["Timestamp"].len(), 20);
}
