//! The axum router: Leptos pages and server functions, static assets, the page guard and
//! security headers. Vendor callbacks and the REST API join here as plain routes.

mod audience;
mod guard;
mod hooks;
mod host_check;
mod ledger;
mod sample;
mod suppressions;

pub use host_check::HttpPolicy;

use app::state::ServerState;
use axum::Router;
use http::header::{self, HeaderValue};
use leptos::prelude::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (forms and server-function calls).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(
    state: ServerState,
    addr: SocketAddr,
    policy: HttpPolicy,
    api: Option<Arc<crate::api::Limiter>>,
) -> Router {
    let options = LeptosOptions::builder()
        .output_name(app::OUTPUT_NAME)
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    let routes = generate_route_list(app::App);
    let ctx_state = state.clone();
    let context = move || leptos::prelude::provide_context(ctx_state.clone());
    let shell_options = options.clone();
    let bulk = audience::routes()
        .merge(ledger::routes())
        .merge(suppressions::routes())
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(audience::IMPORT_LIMIT))
        .with_state(state.clone());
    let hooks = hooks::routes().layer(RequestBodyLimitLayer::new(BODY_LIMIT)).with_state(state.clone());
    let api = crate::api::routes(api).with_state(state.clone());
    let health = Router::new()
        .route("/api/health", axum::routing::get(health))
        .route("/api/sample-users.csv", axum::routing::get(sample::sample_users))
        .with_state(state.clone());
    Router::new()
        .leptos_routes_with_context(&options, routes, context, move || app::shell(shell_options.clone()))
        .fallback(crate::assets::serve)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .with_state(options)
        .merge(bulk)
        .merge(hooks)
        .merge(api)
        .merge(health)
        .layer(axum::middleware::from_fn_with_state(state, guard::page_guard))
        .layer(axum::middleware::from_fn(move |req, next| host_check::check(policy.clone(), req, next)))
        // Personal data must not stay in browser or proxy caches; assets set their own policy.
        .layer(header_layer(header::CACHE_CONTROL, "no-store"))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::REFERRER_POLICY, "same-origin"))
        .layer(header_layer(
            header::CONTENT_SECURITY_POLICY,
            // Pages set their own policy with a per-response script nonce (app::shell); this one
            // covers everything else (JSON, CSV, assets, the API docs page): no scripts at all.
            "default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        ))
}

/// `GET /api/health`: the background services (dispatcher, scheduler, receipt pull) with
/// their last failure; 503 while any of them is failing (for load balancers and monitoring).
async fn health(axum::extract::State(state): axum::extract::State<ServerState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let ok = engine::health::all_ok(&state.db);
    let body = serde_json::json!({
        "status": if ok { "ok" } else { "degraded" },
        "services": engine::health::snapshot(&state.db),
    });
    let code = if ok { http::StatusCode::OK } else { http::StatusCode::SERVICE_UNAVAILABLE };
    (code, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
}

fn header_layer(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
