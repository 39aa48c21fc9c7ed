use super::*;

async fn db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
    (dir, db)
}

#[tokio::test]
async fn the_first_run_creates_admin_once_with_a_generated_password() {
    let (_d, db) = db().await;
    let Bootstrap::CreatedGenerated(pw) = bootstrap_admin(&db, None).await.expect("boot") else {
        panic!("expected a generated password");
    };
    assert_eq!(pw.len(), 16);
    assert_eq!(bootstrap_admin(&db, Some("other-password")).await.expect("again"), Bootstrap::Existing);
    let (account, token) = login(&db, "admin", &pw).await.expect("login");
    assert_eq!(account.username, "admin");
    assert_eq!(session_account(&db, &token).await.expect("q").map(|a| a.id), Some(account.id));
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let (_d, db) = db().await;
    bootstrap_admin(&db, Some("correct horse battery")).await.expect("boot");
    assert!(matches!(login(&db, "admin", "nope").await, Err(AuthError::BadCredentials)));
    assert!(matches!(login(&db, "ghost", "nope").await, Err(AuthError::BadCredentials)));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let (_d, db) = db().await;
    bootstrap_admin(&db, Some("correct horse battery")).await.expect("boot");
    let (_, token) = login(&db, "admin", "correct horse battery").await.expect("login");
    logout(&db, &token).await.expect("logout");
    assert!(session_account(&db, &token).await.expect("q").is_none());
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_only() {
    let (_d, db) = db().await;
    bootstrap_admin(&db, Some("correct horse battery")).await.expect("boot");
    let (acc, keep) = login(&db, "admin", "correct horse battery").await.expect("a");
    let (_, other) = login(&db, "admin", "correct horse battery").await.expect("b");
    assert!(matches!(
        change_password(&db, acc.id, &keep, "wrong", "a new long password").await,
        Err(AuthError::BadCredentials)
    ));
    assert!(matches!(
        change_password(&db, acc.id, &keep, "correct horse battery", "short").await,
        Err(AuthError::WeakPassword(_))
    ));
    change_password(&db, acc.id, &keep, "correct horse battery", "a new long password").await.expect("change");
    assert!(session_account(&db, &keep).await.expect("q").is_some());
    assert!(session_account(&db, &other).await.expect("q").is_none());
    assert!(login(&db, "admin", "a new long password").await.is_ok());
}

#[tokio::test]
async fn tokens_stop_working_when_expired_or_while_their_creator_is_disabled() {
    let (_d, db) = db().await;
    bootstrap_admin(&db, Some("first-admin-password")).await.expect("boot");
    let ops = accounts::create(&db, "ops-admin", Role::Admin, "long-enough-pass-1", "admin").await.expect("admin");
    let (_, live) = tokens::create(&db, "crm", Role::Operator, "ops-admin", None).await.expect("token");
    let (_, old) =
        tokens::create(&db, "old", Role::Viewer, "ops-admin", Some(crate::clock::now() - 1)).await.expect("expired");
    assert!(tokens::authenticate(&db, &live).await.expect("q").is_some());
    assert!(tokens::authenticate(&db, &old).await.expect("q").is_none(), "expired");
    accounts::set_disabled(&db, ops, true).await.expect("disable");
    assert!(tokens::authenticate(&db, &live).await.expect("q").is_none(), "creator disabled");
    let listed = tokens::list(&db).await.expect("list");
    assert!(listed.iter().all(|t| t.creator_disabled), "the list says why");
    accounts::set_disabled(&db, ops, false).await.expect("enable");
    assert!(tokens::authenticate(&db, &live).await.expect("q").is_some(), "works again once re-enabled");
}
