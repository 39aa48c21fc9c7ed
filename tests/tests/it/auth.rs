//! Login, sessions and the page guard through real HTTP.

use crate::common;

use common::{spawn_app, ADMIN_PASSWORD};
use std::time::{Duration, Instant};

#[tokio::test]
async fn every_server_function_refuses_a_caller_without_session() {
    let t = spawn_app().await;
    for (endpoint, body) in common::all_server_fns() {
        let (status, text) = t.call(endpoint, body).await;
        assert_eq!(status, 401, "{endpoint}: {text}");
        assert!(text.contains("Unauthorized"), "{endpoint}: {text}");
    }
}

#[tokio::test]
async fn pages_redirect_to_login_until_signed_in() {
    let t = spawn_app().await;
    for path in ["/", "/settings/sms", "/account"] {
        let res = t.http.get(t.url(path)).send().await.expect("get");
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(res.headers()["location"], "/login");
    }
    t.login().await;
    let (status, body) = t.get_page("/settings/sms").await;
    assert_eq!(status, 200);
    assert!(body.contains("短信配置") && body.contains("创蓝"));
    let res = t.http.get(t.url("/login")).send().await.expect("login page");
    assert_eq!(res.headers()["location"], "/settings/sms");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_strict() {
    let t = spawn_app().await;
    let res = t.login_as("admin", ADMIN_PASSWORD).await;
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(cookie.starts_with("chuda_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http by default: {cookie}");
}

#[tokio::test]
async fn secure_cookies_are_marked_secure_when_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut settings = common::settings(dir.path());
    settings.server.secure_cookies = true;
    let app = server::Application::build(&settings).await.expect("start");
    let res = common::client()
        .post(format!("{}/api/auth/login", app.url()))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("login");
    assert!(res.headers()["set-cookie"].to_str().expect("ascii").contains("; Secure"));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_chinese_answer() {
    let t = spawn_app().await;
    let wrong = t.login_as("admin", "not-the-password").await.text().await.expect("body");
    let ghost = t.login_as("nobody", "not-the-password").await.text().await.expect("body");
    assert!(wrong.contains("用户名或密码错误"), "{wrong}");
    assert_eq!(wrong, ghost);
}

#[tokio::test]
async fn repeated_failures_are_slowed_down() {
    let t = spawn_app().await;
    for _ in 0..3 {
        let started = Instant::now();
        t.login_as("admin", "wrong").await;
        assert!(started.elapsed() < Duration::from_millis(900), "first attempts are not delayed");
    }
    let started = Instant::now();
    t.login_as("admin", "wrong").await;
    assert!(started.elapsed() >= Duration::from_secs(1), "fourth failure waits");
    let started = Instant::now();
    let ok = t.login_as("admin", ADMIN_PASSWORD).await;
    assert!(started.elapsed() >= Duration::from_secs(1), "even the right password waits while throttled");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = spawn_app().await;
    t.login().await;
    assert_eq!(t.call("auth/me", serde_json::json!({})).await.0, 200);
    assert_eq!(t.call("auth/logout", serde_json::json!({})).await.0, 200);
    assert_eq!(t.call("auth/me", serde_json::json!({})).await.0, 401);
}

#[tokio::test]
async fn changing_the_password_checks_the_current_one() {
    let t = spawn_app().await;
    t.login().await;
    let body = |cur: &str, new: &str, confirm: &str| serde_json::json!({"current": cur, "new_password": new, "confirm": confirm});
    let (status, text) = t.call("auth/password", body("bad", "a-brand-new-password", "a-brand-new-password")).await;
    assert!(status >= 400 && text.contains("当前密码不正确"), "{text}");
    let (_, text) = t.call("auth/password", body(ADMIN_PASSWORD, "a-brand-new-password", "different")).await;
    assert!(text.contains("两次输入的新密码不一致"), "{text}");
    let (_, text) = t.call("auth/password", body(ADMIN_PASSWORD, "short", "short")).await;
    assert!(text.contains("至少需要 10 个字符"), "{text}");
    let (status, _) =
        t.call("auth/password", body(ADMIN_PASSWORD, "a-brand-new-password", "a-brand-new-password")).await;
    assert_eq!(status, 200);
    assert_eq!(t.login_as("admin", "a-brand-new-password").await.status(), 200);
}
