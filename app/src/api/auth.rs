//! Login, logout, current account and password change. Each is written to the audit log.

use crate::dto::Me;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(username: String, password: String) -> Result<Me, AppError> {
    use super::session::{audit, client_ip, set_cookie, state};
    let state = state()?;
    let keys = vec![format!("user:{}", username.trim().to_lowercase()), format!("ip:{}", client_ip())];
    // Counted before the check, atomically: parallel guesses cannot share one free attempt.
    let delay = state.throttle.attempt(&keys);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match engine::auth::login(&state.db, &username, &password).await {
        Ok((account, token)) => {
            state.throttle.reset(&keys);
            set_cookie(&token, state.secure_cookies);
            tracing::info!(user = %account.username, "login succeeded");
            audit(&state, &account.username, "login", &account.username, "").await?;
            Ok(Me { username: account.username, role: account.role })
        }
        Err(engine::auth::AuthError::BadCredentials) => {
            tracing::warn!(ip = %client_ip(), "login failed");
            let typed: String = username.trim().chars().take(64).collect();
            audit(&state, &typed, "login_failed", &typed, "用户名或密码错误").await?;
            Err(AppError::Rejected { message: "用户名或密码错误".into() }.with_status())
        }
        Err(other) => Err(other.into()),
    }
}

#[server(prefix = "/api", endpoint = "auth/logout", input = Json)]
pub async fn logout() -> Result<(), AppError> {
    use super::session::{audit, require_session, set_cookie};
    let (state, account, token) = require_session().await?;
    engine::auth::logout(&state.db, &token).await?;
    set_cookie("", state.secure_cookies);
    audit(&state, &account.username, "logout", &account.username, "").await
}

#[server(prefix = "/api", endpoint = "auth/me", input = Json)]
pub async fn current_account() -> Result<Me, AppError> {
    let (_, account, _) = super::session::require_session().await?;
    Ok(Me { username: account.username, role: account.role })
}

#[server(prefix = "/api", endpoint = "auth/password", input = Json)]
pub async fn change_password(current: String, new_password: String, confirm: String) -> Result<(), AppError> {
    let (state, account, token) = super::session::require_session().await?;
    if new_password != confirm {
        return Err(AppError::field("confirm", "两次输入的新密码不一致").with_status());
    }
    // The current password is a guessable secret too (a stolen session must not brute-force it).
    let keys = vec![format!("password:{}", account.id)];
    let delay = state.throttle.attempt(&keys);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match engine::auth::change_password(&state.db, account.id, &token, &current, &new_password).await {
        Err(engine::auth::AuthError::BadCredentials) => Err(AppError::field("current", "当前密码不正确").with_status()),
        Ok(()) => {
            state.throttle.reset(&keys);
            super::session::audit(&state, &account.username, "password_change", &account.username, "").await
        }
        Err(e) => Err(e.into()),
    }
}
