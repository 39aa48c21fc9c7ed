//! Page guard: HTML pages need a session (else 303 to /login); /login with a session goes
//! home. Server functions check the session themselves; assets are public. Also records the
//! TCP peer for login throttling.

use app::api::session::{axum_connect_info::Peer, token_from_headers};
use app::state::ServerState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;
use std::net::SocketAddr;

/// `/hooks/` are vendor callbacks, authenticated by the token in their path.
const PUBLIC_PREFIXES: &[&str] = &["/pkg/", "/api/", "/hooks/", "/robots.txt", "/favicon.ico"];

pub async fn page_guard(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(Peer(addr));
    }
    let path = req.uri().path().to_owned();
    let is_page =
        matches!(*req.method(), Method::GET | Method::HEAD) && !PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p));
    if !is_page {
        return next.run(req).await;
    }
    let signed_in = match token_from_headers(req.headers()) {
        Some(token) => matches!(engine::auth::session_account(&state.db, &token).await, Ok(Some(_))),
        None => false,
    };
    match (path.as_str(), signed_in) {
        ("/login", true) | ("/", true) => Redirect::to(app::pages::HOME).into_response(),
        ("/login", false) => next.run(req).await,
        (_, false) => Redirect::to("/login").into_response(),
        (_, true) => next.run(req).await,
    }
}
