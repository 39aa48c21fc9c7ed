use super::*;

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    (dir, db)
}

fn card(password: Option<&str>) -> chuanglan::Input {
    chuanglan::Input {
        enabled: true,
        signature: "【示例商城】".into(),
        account: "N1234567".into(),
        host: "https://smssh1.253.com/msg/send/json".into(),
        password: password.map(Into::into),
        market_account: String::new(),
        market_password: None,
        options: None,
    }
}

#[tokio::test]
async fn the_phone_attribute_defaults_to_phone_and_is_saved() {
    let (_d, db) = db().await;
    assert_eq!(phone_attribute(&db).await.expect("get"), "phone");
    set_phone_attribute(&db, " mobile ").await.expect("set");
    assert_eq!(phone_attribute(&db).await.expect("get"), "mobile");
    assert!(matches!(set_phone_attribute(&db, "").await, Err(SettingsError::Invalid(_))));
}

#[tokio::test]
async fn a_saved_card_is_normalized_and_the_password_sealed() {
    let (_d, db) = db().await;
    let key = MasterKey::generate();
    let view = chuanglan::save(&db, &key, &card(Some("Planted-Secret-42"))).await.expect("save");
    let config = view.config.expect("config");
    assert_eq!((config.signature.as_str(), config.host.as_str()), ("示例商城", "smssh1.253.com"));
    assert!(view.has_password);
    let raw: Vec<u8> = sqlx::query_scalar("SELECT secret_enc FROM vendor_configs").fetch_one(&db).await.expect("row");
    assert!(!raw.windows(17).any(|w| w == b"Planted-Secret-42"));
    let creds = chuanglan::credentials(&db, &key).await.expect("q").expect("some");
    assert_eq!(creds.password, "Planted-Secret-42");
    assert!(!format!("{creds:?}").contains("Planted"));
}

#[tokio::test]
async fn an_empty_password_keeps_the_stored_one() {
    let (_d, db) = db().await;
    let key = MasterKey::generate();
    chuanglan::save(&db, &key, &card(Some("first-secret"))).await.expect("save");
    let mut edit = card(None);
    edit.account = "N7654321".into();
    chuanglan::save(&db, &key, &edit).await.expect("save again");
    let creds = chuanglan::credentials(&db, &key).await.expect("q").expect("some");
    assert_eq!((creds.config.account.as_str(), creds.password.as_str()), ("N7654321", "first-secret"));
}

#[tokio::test]
async fn every_invalid_field_is_reported_and_nothing_is_stored() {
    let (_d, db) = db().await;
    let input = chuanglan::Input {
        enabled: true,
        signature: "x".into(),
        account: "".into(),
        host: "bad host".into(),
        password: None,
        market_account: String::new(),
        market_password: None,
        options: None,
    };
    let Err(SettingsError::Invalid(errors)) = chuanglan::save(&db, &MasterKey::generate(), &input).await else {
        panic!("expected validation errors");
    };
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["signature", "account", "host"]);
    assert!(chuanglan::view(&db).await.expect("view").config.is_none());
}

#[tokio::test]
async fn aliyun_defaults_to_the_central_endpoint() {
    let (_d, db) = db().await;
    let key = MasterKey::generate();
    let input = aliyun::Input {
        enabled: false,
        signature: "示例商城".into(),
        access_key_id: "LTAIExampleKeyId".into(),
        access_key_secret: Some("ExampleSecretDoNotUse".into()),
        endpoint: String::new(),
    };
    let view = aliyun::save(&db, &key, &input).await.expect("save");
    assert_eq!(view.config.expect("cfg").base_url(), "https://dysmsapi.aliyuncs.com");
    assert!(view.has_secret && !view.enabled);
}

#[tokio::test]
async fn the_marketing_account_has_its_own_sealed_password_and_sends_marketing() {
    use crate::compliance::MessageKind;
    let (_d, db) = db().await;
    let key = MasterKey::generate();
    let mut input = card(Some("notify-secret"));
    input.market_account = "M7654321".into();
    let Err(SettingsError::Invalid(errors)) = chuanglan::save(&db, &key, &input).await else { panic!("refused") };
    assert_eq!(errors[0].field, "market_password", "a new marketing account needs its password");
    input.market_password = Some("market-secret".into());
    let view = chuanglan::save(&db, &key, &input).await.expect("save");
    assert_eq!((view.market_account.as_deref(), view.has_market_password), (Some("M7654321"), true));
    let m = chuanglan::credentials_for(&db, &key, MessageKind::Marketing).await.expect("q").expect("some");
    assert_eq!((m.config.account.as_str(), m.password.as_str()), ("M7654321", "market-secret"));
    let n = chuanglan::credentials_for(&db, &key, MessageKind::Notification).await.expect("q").expect("some");
    assert_eq!((n.config.account.as_str(), n.password.as_str()), ("N1234567", "notify-secret"));
    input.market_account = String::new();
    chuanglan::save(&db, &key, &input).await.expect("remove marketing");
    assert!(chuanglan::credentials_for(&db, &key, MessageKind::Marketing).await.expect("q").is_none());
}

#[tokio::test]
async fn a_changed_host_asks_for_the_password_again() {
    let (_d, db) = db().await;
    let key = MasterKey::generate();
    chuanglan::save(&db, &key, &card(Some("first-secret"))).await.expect("save");
    let mut moved = card(None);
    moved.host = "evil.example.com".into();
    let Err(SettingsError::Invalid(errors)) = chuanglan::save(&db, &key, &moved).await else {
        panic!("a new host without the password must be refused")
    };
    assert!(errors.iter().any(|e| e.field == "password" && e.message.contains("接口地址已更改")), "{errors:?}");
    let creds = chuanglan::credentials(&db, &key).await.expect("q").expect("some");
    assert_eq!(creds.config.host, "smssh1.253.com", "nothing changed");
    moved.password = Some("second-secret".into());
    chuanglan::save(&db, &key, &moved).await.expect("with the password it saves");
}

#[tokio::test]
async fn private_and_link_local_hosts_are_refused() {
    for host in ["10.1.2.3", "https://169.254.169.254/latest", "192.168.0.10:8080", "100.100.100.200"] {
        let e = crate::validate::host("host", host).expect_err(host);
        assert!(e.message.contains("内网"), "{host}: {}", e.message);
    }
    assert!(crate::validate::host("host", "http://127.0.0.1:9000").is_ok(), "the simulator stays reachable");
}
