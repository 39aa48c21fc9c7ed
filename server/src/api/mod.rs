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
mod limit;
mod segments;
mod settings_types;
mod suppressions;
mod team;
mod team_types;
mod types;
mod users;
mod vendors;

pub use limit::Limiter;

use app::state::ServerState;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::openapi::header::Header;
use utoipa::openapi::schema::{Object, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};
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
    tags((name = "users"), (name = "segments"), (name = "campaigns"), (name = "messages"), (name = "compliance"), (name = "settings"),
        (name = "team"))
)]
struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build());
        openapi.components.get_or_insert_with(Default::default).add_security_scheme("token", scheme);
    }
}

/// Documents the `429` every authenticated call may get from its token's rate limit (`limit`).
fn document_rate_limit(openapi: &mut utoipa::openapi::OpenApi) {
    let limited = ResponseBuilder::new()
        .description("该令牌调用过于频繁：`Retry-After` 秒后重试（`rate_limited`）")
        .header("Retry-After", Header::new(Object::with_type(Type::Integer)))
        .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))))
        .build();
    for item in openapi.paths.paths.values_mut() {
        let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in ops.into_iter().flatten().filter(|op| op.security.is_some()) {
            op.responses.responses.insert("429".into(), RefOr::T(limited.clone()));
        }
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
        .routes(routes!(campaigns::campaign_stats))
        .routes(routes!(campaigns::campaign_messages))
        .routes(routes!(vendors::get_sms_settings))
        .routes(routes!(vendors::set_phone_attribute))
        .routes(routes!(vendors::save_chuanglan))
        .routes(routes!(vendors::set_chuanglan_sandbox))
        .routes(routes!(vendors::test_chuanglan))
        .routes(routes!(vendors::test_send_chuanglan))
        .routes(routes!(vendors::save_aliyun))
        .routes(routes!(vendors::test_aliyun))
        .routes(routes!(vendors::aliyun_template))
        .routes(routes!(vendors::test_send_aliyun))
        .routes(routes!(team::list_roles))
        .routes(routes!(team::list_accounts, team::create_account))
        .routes(routes!(team::update_account))
        .routes(routes!(team::list_tokens, team::create_token))
        .routes(routes!(team::revoke_token))
        .split_for_parts();
    let mut doc = doc;
    document_rate_limit(&mut doc);
    (router.layer(axum::extract::DefaultBodyLimit::max(API_BODY_LIMIT)), doc)
}

/// The API plus its document and docs page (both public: they describe, they hold nothing).
/// `limiter` caps calls per token (none: unlimited).
pub fn routes(limiter: Option<Arc<Limiter>>) -> Router<ServerState> {
    let (router, doc) = api();
    let router = match limiter {
        Some(l) => router.layer(axum::Extension(l)),
        None => router,
    };
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
