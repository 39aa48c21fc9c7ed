//! Page guard and request checks for the whole console:
//! - mutating requests (anything but GET/HEAD/OPTIONS) from a browser must come from this
//!   origin: `Sec-Fetch-Site` other than `same-origin`/`none`, or an `Origin` that is not this
//!   host, is refused with 403 (CSRF defence on top of the `SameSite=Strict` cookie). Vendor
//!   callbacks and the token-authenticated REST API carry no ambient credentials and are exempt;
//! - HTML pages need a session (else 303 to /login); /login with a session goes home;
//!   `/admin/…` pages need the admin role (else 403);
//! - server functions and bulk routes check the session and role themselves; assets are public.
//!
//! Also records the TCP peer for login throttling and the audit log.

use app::api::session::{axum_connect_info::Peer, token_from_headers};
use app::state::ServerState;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use engine::auth::Role;
use http::{header, HeaderMap, Method, StatusCode};
use std::net::SocketAddr;

/// `/hooks/` are vendor callbacks, authenticated by the token in their path.
const PUBLIC_PREFIXES: &[&str] = &["/pkg/", "/api/", "/hooks/", "/robots.txt", "/favicon.ico"];
/// No cookie is accepted on these, so a cross-site request can do nothing with them.
const NO_COOKIE_PREFIXES: &[&str] = &["/hooks/", "/api/v1/"];

pub async fn page_guard(State(state): State<ServerState>, mut req: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(Peer(addr));
    }
    let path = req.uri().path().to_owned();
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !NO_COOKIE_PREFIXES.iter().any(|p| path.starts_with(p)) && cross_origin(req.headers()) {
        tracing::warn!(path = %path, "cross-origin request refused");
        return (StatusCode::FORBIDDEN, "跨站请求已拒绝 (cross-origin request refused)").into_response();
    }
    let is_page = safe && !PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p));
    if !is_page {
        return next.run(req).await;
    }
    let role = match token_from_headers(req.headers()) {
        Some(token) => engine::auth::session_account(&state.db, &token).await.ok().flatten().map(|a| a.role),
        None => None,
    };
    match (path.as_str(), role) {
        ("/login", Some(_)) | ("/", Some(_)) => Redirect::to(app::pages::HOME).into_response(),
        ("/login", None) => next.run(req).await,
        (_, None) => Redirect::to("/login").into_response(),
        (p, Some(r)) if p.starts_with("/admin") && !r.allows(Role::Admin) => forbidden(),
        (_, Some(_)) => next.run(req).await,
    }
}

/// Whether a browser says this request was started by another site.
fn cross_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v: &http::HeaderValue| v.to_str().ok());
    if let Some(site) = text(header::HeaderName::from_static("sec-fetch-site")) {
        if site != "same-origin" && site != "none" {
            return true;
        }
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => origin.split_once("://").map(|(_, h)| h) != Some(host),
        (Some(_), None) => true,
        (None, _) => false,
    }
}

fn forbidden() -> Response {
    let body = "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>没有权限</title>\
        <p>只有管理员可以打开此页面。<a href=\"/\">返回</a></p></html>";
    (StatusCode::FORBIDDEN, Html(body)).into_response()
}
