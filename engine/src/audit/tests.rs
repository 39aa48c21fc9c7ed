use super::*;

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    (dir, db)
}

fn rec<'a>(actor: &'a str, action: &'a str) -> Record<'a> {
    Record { actor, action, target: "t", detail: "", ip: "127.0.0.1" }
}

#[tokio::test]
async fn entries_come_back_newest_first_and_filtered() {
    let (_d, db) = db().await;
    record(&db, rec("admin", "login")).await.expect("1");
    record(&db, rec("ops", "campaign_start")).await.expect("2");
    record(&db, rec("admin", "export_ledger")).await.expect("3");
    let all = query(&db, &Filter { limit: 10, ..Filter::default() }).await.expect("q");
    assert_eq!(all.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["export_ledger", "campaign_start", "login"]);
    let admin = query(&db, &Filter { actor: Some("admin".into()), limit: 10, ..Filter::default() }).await.expect("q");
    assert_eq!(admin.len(), 2);
    let page2 = query(&db, &Filter { before: Some(all[1].id), limit: 10, ..Filter::default() }).await.expect("q");
    assert_eq!(page2.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["login"]);
}

#[tokio::test]
async fn the_log_refuses_updates_and_deletes() {
    let (_d, db) = db().await;
    record(&db, rec("admin", "login")).await.expect("insert");
    assert!(sqlx::query("UPDATE audit_log SET actor = 'x'").execute(&db).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(&db).await.is_err());
    assert_eq!(query(&db, &Filter { limit: 10, ..Filter::default() }).await.expect("q")[0].actor, "admin");
}

#[test]
fn every_action_has_a_chinese_label() {
    for (action, label) in ACTIONS {
        assert_eq!(action_label(action), *label);
        assert!(!label.is_ascii(), "{action}");
    }
}
