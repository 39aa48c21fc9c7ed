//! Session cookie handling for server functions (server only).

use crate::error::AppError;
use crate::state::ServerState;
use engine::auth::Account;
use http::header::{HeaderValue, COOKIE, SET_COOKIE};
use http::request::Parts;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub const COOKIE_NAME: &str = "chuda_session";

pub fn state() -> Result<ServerState, AppError> {
    use_context::<ServerState>().ok_or_else(|| AppError::Internal { ref_id: "NOSTATE".into() })
}

/// The session token from the request's `Cookie` header.
pub fn token_from_headers(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

pub fn request_token() -> Option<String> {
    use_context::<Parts>().and_then(|parts| token_from_headers(&parts.headers))
}

/// The signed-in account, or `Unauthorized` (HTTP 401).
pub async fn require_session() -> Result<(ServerState, Account, String), AppError> {
    let state = state()?;
    let Some(token) = request_token() else {
        return Err(unauthorized());
    };
    match engine::auth::session_account(&state.db, &token).await? {
        Some(account) => Ok((state, account, token)),
        None => Err(unauthorized()),
    }
}

/// The signed-in account when its role allows `needed`; `Forbidden` (HTTP 403) otherwise.
pub async fn require(needed: engine::auth::Role) -> Result<(ServerState, Account, String), AppError> {
    let (state, account, token) = require_session().await?;
    if !account.role.allows(needed) {
        tracing::warn!(user = %account.username, role = account.role.as_str(), needed = needed.as_str(), "refused by role");
        return Err(AppError::Forbidden.with_status());
    }
    Ok((state, account, token))
}

pub async fn require_viewer() -> Result<(ServerState, Account, String), AppError> {
    require(engine::auth::Role::Viewer).await
}

pub async fn require_operator() -> Result<(ServerState, Account, String), AppError> {
    require(engine::auth::Role::Operator).await
}

pub async fn require_admin() -> Result<(ServerState, Account, String), AppError> {
    require(engine::auth::Role::Admin).await
}

/// Writes an audit entry for the current request (with the client address). A failure to
/// audit fails the action: nothing audited happens unrecorded.
pub async fn audit(state: &ServerState, actor: &str, action: &str, target: &str, detail: &str) -> Result<(), AppError> {
    let ip = client_ip();
    let r = engine::audit::Record { actor, action, target, detail, ip: &ip };
    engine::audit::record(&state.db, r).await.map_err(|e| AppError::internal(&e))
}

fn unauthorized() -> AppError {
    AppError::Unauthorized.with_status()
}

/// `HttpOnly; SameSite=Strict`, plus `Secure` behind TLS. An empty token clears the cookie.
pub fn set_cookie(token: &str, secure: bool) {
    let max_age = if token.is_empty() { 0 } else { engine::auth::SESSION_TTL_SECS };
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}");
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie)) {
        res.append_header(SET_COOKIE, value);
    }
}

/// Client address for login throttling (the TCP peer; no proxy headers are trusted).
pub fn client_ip() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<axum_connect_info::Peer>().map(|peer| peer.0.ip().to_string()))
        .unwrap_or_else(|| "unknown".into())
}

/// The server inserts the peer address as this extension (keeps `app` free of axum types).
pub mod axum_connect_info {
    #[derive(Clone, Copy, Debug)]
    pub struct Peer(pub std::net::SocketAddr);
}
