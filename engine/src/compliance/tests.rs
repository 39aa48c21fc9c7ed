use super::*;

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    (dir, db)
}

#[tokio::test]
async fn a_new_installation_has_the_defaults_on() {
    let (_d, db) = db().await;
    let p = policy(&db).await.expect("policy");
    assert_eq!((p.window.label(), p.daily_cap, p.retention_days), ("08:00–21:00".to_owned(), 3, 180));
    assert!(p.capped(MessageKind::Marketing) && !p.capped(MessageKind::Notification));
    assert!(p.suppresses(MessageKind::Marketing) && !p.suppresses(MessageKind::Notification));
}

#[tokio::test]
async fn a_bad_policy_is_refused_field_by_field() {
    let (_d, db) = db().await;
    let bad = Policy {
        window: Window { start: 1_200, end: 480 },
        retention_days: 30,
        require_consent: true,
        ..Policy::default()
    };
    let Err(ComplianceError::Invalid(errors)) = save_policy(&db, &bad).await else { panic!("refused") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["window", "consent_attribute", "retention_days"]);
    let good = Policy { daily_cap: 2, ..Policy::default() };
    save_policy(&db, &good).await.expect("saved");
    assert_eq!(policy(&db).await.expect("policy").daily_cap, 2);
}

#[tokio::test]
async fn caps_count_each_phone_once_per_claim_and_refuse_the_fourth() {
    let (_d, db) = db().await;
    let p = Policy::default();
    let now = crate::clock::now();
    for round in 0..3 {
        let mut tx = db.begin().await.expect("tx");
        let capped = caps::take(&mut tx, &p, &["13800000001", "13800000002"], now).await.expect("take");
        tx.commit().await.expect("commit");
        assert!(capped.is_empty(), "round {round}: {capped:?}");
    }
    let mut tx = db.begin().await.expect("tx");
    let capped = caps::take(&mut tx, &p, &["13800000001", "13800000003"], now).await.expect("take");
    tx.commit().await.expect("commit");
    assert_eq!(capped.len(), 1);
    assert!(capped["13800000001"].contains("每日上限 3 条"), "{capped:?}");
    let counts = caps::counts(&db, &["13800000001", "13800000003"], now).await.expect("counts");
    assert_eq!((counts[&13_800_000_001], counts[&13_800_000_003]), ((3, 3), (1, 1)));
    let tomorrow = now + 86_400;
    let mut tx = db.begin().await.expect("tx");
    assert!(caps::take(&mut tx, &p, &["13800000001"], tomorrow).await.expect("take").is_empty(), "a new day");
    tx.rollback().await.expect("rollback");
    let weekly = Policy { weekly_cap: 3, ..Policy::default() };
    let mut tx = db.begin().await.expect("tx");
    let capped = caps::take(&mut tx, &weekly, &["13800000001"], tomorrow).await.expect("take");
    assert!(capped["13800000001"].contains("7 日上限"), "{capped:?}");
}

#[tokio::test]
async fn the_suppression_list_keeps_the_first_entry_and_explains_it() {
    let (_d, db) = db().await;
    assert!(suppress::add(&db, "13800000001", "reply", "chuanglan", "R", "").await.expect("add"));
    assert!(!suppress::add(&db, "13800000001", "manual", "", "投诉", "admin").await.expect("again"));
    let found = suppress::among(&db, &["13800000001", "13800000002"]).await.expect("among");
    assert_eq!(found.len(), 1);
    let why = found["13800000001"].explain();
    assert!(why.starts_with("该号码已于 ") && why.contains("回复“R”退订"), "{why}");
    assert_eq!(
        suppress::add_many(&db, &["13800000001".into(), "13800000009".into()], "import", "", "admin")
            .await
            .expect("many"),
        1
    );
    assert_eq!(suppress::list(&db, Some("0009"), None, 50).await.expect("list").len(), 1);
    assert!(suppress::remove(&db, "13800000009").await.expect("remove").is_some());
    assert_eq!(suppress::count(&db).await.expect("count"), 1);
}
