//! The versioned REST API under `/api/v1`, authenticated by bearer API tokens (created on
//! API 令牌 by admins, each with a role). The OpenAPI 3.1 document is generated from these
//! handlers' annotations by the same router that serves them, so a route cannot exist
//! without being documented; it is served at `/api/v1/openapi.json` and rendered at
//! `/api/v1/docs`.

mod caller;
mod campaigns;
mod cursor;
mod docs;
mod error;
mod segments;
mod suppressions;
mod types;
mod users;

use app::state::ServerState;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "chuda REST API", version = "1", description = "触达 SMS console: users, segments, campaigns, messages. \
        Send `Authorization: Bearer <token>`; tokens are created by admins on API 令牌 and carry a role \
        (admin ⊇ operator ⊇ viewer). Errors are `{\"error\": {\"code\", \"message\", \"fields\"}}`; lists page by \
        `cursor` (pass back `next_cursor`). Phones are always masked."),
    modifiers(&BearerToken),
    tags((name = "users"), (name = "segments"), (name = "campaigns"), (name = "messages"), (name = "compliance"))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
        openapi.components.get_or_insert_with(Default::default).add_security_scheme("token", scheme);
    }
}

/// Largest body of every API call but the user upsert.
pub const API_BODY_LIMIT: usize = 1024 * 1024;

/// The API routes and the document describing exactly them.
pub fn api() -> (Router<ServerState>, utoipa::openapi::OpenApi) {
    // Only the batch upsert takes large bodies; a body is read only after the token is checked.
    let upsert = OpenApiRouter::new()
        .routes(routes!(users::upsert_users))
        .layer(axum::extract::DefaultBodyLimit::max(users::UPSERT_LIMIT));
    let (router, doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(upsert)
        .routes(routes!(users::get_user))
        .routes(routes!(users::list_attributes))
        .routes(routes!(segments::list_segments, segments::create_segment))
        .routes(routes!(segments::count_segment))
        .routes(routes!(segments::segment_members))
        .routes(routes!(campaigns::list_campaigns, campaigns::create_campaign))
        .routes(routes!(campaigns::get_campaign))
        .routes(routes!(campaigns::start_campaign))
        .routes(routes!(campaigns::pause_campaign))
        .routes(routes!(campaigns::resume_campaign))
        .routes(routes!(campaigns::cancel_campaign))
        .routes(routes!(campaigns::list_messages))
        .routes(routes!(suppressions::list_suppressions, suppressions::add_suppressions))
        .routes(routes!(suppressions::remove_suppression))
        .split_for_parts();
    (router.layer(axum::extract::DefaultBodyLimit::max(API_BODY_LIMIT)), doc)
}

/// The API plus its document and docs page (both public: they describe, they hold nothing).
pub fn routes() -> Router<ServerState> {
    let (router, doc) = api();
    let json = Arc::new(doc.clone());
    let page = Arc::new(docs::render(&doc));
    router
        .route("/api/v1/openapi.json", get(move || async move { Json(json.as_ref().clone()) }))
        .route("/api/v1/docs", get(move || async move { axum::response::Html(page.as_ref().clone()) }))
}

/// The OpenAPI document as pretty JSON (for `chuda openapi`).
pub fn document_json() -> String {
    api().1.to_pretty_json().unwrap_or_default()
}
