use super::*;

#[test]
fn signatures_are_normalized_to_the_bare_name() {
    for raw in ["示例商城", "【示例商城】", " 【示例商城】 ", "[示例商城]"] {
        assert_eq!(signature("s", raw).expect(raw), "示例商城", "{raw}");
    }
}

#[test]
fn bad_signatures_are_explained() {
    let cases = [
        ("", "请填写"),
        ("【】", "请填写"),
        ("店", "2–20"),
        ("一二三四五六七八九十一二三四五六七八九十一", "2–20"),
        ("示例 商城", "空格"),
        ("示例【商城", "“【”"),
        ("{$var}", "“{”"),
    ];
    for (raw, needle) in cases {
        let err = signature("sig", raw).expect_err(raw);
        assert_eq!(err.field, "sig");
        assert!(err.message.contains(needle), "{raw}: {}", err.message);
    }
}

#[test]
fn a_bare_host_defaults_to_https() {
    assert_eq!(host("h", "smssh1.253.com").expect("ok"), Host { host: "smssh1.253.com".into(), plain_http: false });
}

#[test]
fn a_pasted_url_is_reduced_to_its_host() {
    for raw in
        ["https://smssh1.253.com/msg/send/json", "HTTPS://SMSSH1.253.com", "smssh1.253.com/msg/variable/json?x=1"]
    {
        assert_eq!(host("h", raw).expect(raw).host, "smssh1.253.com", "{raw}");
    }
}

#[test]
fn plain_http_is_only_for_loopback() {
    let local = host("h", "http://127.0.0.1:9000/msg/send/json").expect("loopback");
    assert_eq!(local, Host { host: "127.0.0.1:9000".into(), plain_http: true });
    let err = host("h", "http://smssh1.253.com").expect_err("public http");
    assert!(err.message.contains("https"));
}

#[test]
fn malformed_hosts_are_rejected() {
    for raw in ["", "ftp://x.com", "smssh1", "sms sh1.com", "-a.com", "a..com", "a.com:99999", "u:p@a.com", "中文.com"]
    {
        assert!(host("h", raw).is_err(), "{raw}");
    }
}

#[test]
fn required_tokens_reject_blank_and_spaces() {
    assert_eq!(required_token("a", " N1234567 ", "账号", 64).expect("ok"), "N1234567");
    assert!(required_token("a", "  ", "账号", 64).expect_err("blank").message.contains("请填写账号"));
    assert!(required_token("a", "N12 34", "账号", 64).is_err());
    assert!(required_token("a", "账号", "账号", 64).is_err());
}

#[test]
fn attribute_names_allow_common_identifiers() {
    assert_eq!(attribute_name("p", "mobile_number").expect("ok"), "mobile_number");
    assert_eq!(attribute_name("p", "手机号").expect("unicode letters"), "手机号");
    assert!(attribute_name("p", "").is_err());
    assert!(attribute_name("p", "a b").is_err());
}
