//! `/api/v1/users` and `/api/v1/attributes`: batch upsert through the same all-or-nothing
//! import as the 用户 page, one user, and the attribute catalog.

use super::caller::Caller;
use super::error::ApiError;
use super::types::{AttributeOut, BadRecord, ImportResult, UserOut, UserRecord};
use app::state::ServerState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use engine::auth::Role;
use engine::users::import::{self, Encoding, Format, ImportOptions};
use engine::users::values::Value;
use http::HeaderMap;

/// Largest accepted upsert body (about 25,000 typical users); larger loads go through the
/// streamed file import of the 用户 page or `chuda import users`.
pub const UPSERT_LIMIT: usize = 16 * 1024 * 1024;

/// Upserts users: a JSON array, or NDJSON with `Content-Type: application/x-ndjson`. The
/// batch is one transaction: a failure writes nothing; malformed records are skipped and
/// reported.
#[utoipa::path(post, path = "/api/v1/users", tag = "users",
    request_body(content(
        (Vec<UserRecord> = "application/json"),
        (String = "application/x-ndjson", example = "{\"user_id\":\"u1\",\"phone\":\"13800138000\"}\n")
    )),
    responses(
        (status = 200, description = "Imported", body = ImportResult),
        (status = 400, description = "Body is not a JSON array of objects", body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody),
        (status = 422, description = "Nothing importable", body = super::error::ErrorBody)
    ),
    security(("token" = [])))]
pub async fn upsert_users(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportResult>, ApiError> {
    caller.require(Role::Operator)?;
    let ndjson = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("ndjson") || v.contains("jsonl"));
    let lines = if ndjson { body.to_vec() } else { array_to_ndjson(&body)? };
    let opts = ImportOptions {
        format: Format::Ndjson,
        encoding: Encoding::Utf8,
        types: Default::default(),
        file_name: "API".into(),
        actor: caller.actor(),
    };
    let (_, result) = import::run_recorded(&state.db, Box::new(std::io::Cursor::new(lines)), opts).await;
    state.users_changed();
    engine::users::audit_import(&state.db, &caller.actor(), "API", &result).await?;
    let s = result?;
    Ok(Json(ImportResult {
        import_id: s.import_id,
        rows_total: s.rows_total,
        rows_ok: s.rows_ok,
        rows_bad: s.rows_bad,
        users_new: s.users_new,
        users_updated: s.users_updated,
        phones_invalid: s.phones_invalid,
        bad_rows: s.bad_rows.into_iter().map(|b| BadRecord { line: b.line, reason: b.reason }).collect(),
    }))
}

/// A JSON array of objects as NDJSON lines for the import reader.
fn array_to_ndjson(body: &[u8]) -> Result<Vec<u8>, ApiError> {
    let items: Vec<serde_json::Value> = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("请求体应为 JSON 数组（或以 application/x-ndjson 发送）：{e}")))?;
    let mut out = Vec::with_capacity(body.len() + items.len());
    for item in items {
        serde_json::to_writer(&mut out, &item).map_err(|e| ApiError::internal(&e))?;
        out.push(b'\n');
    }
    Ok(out)
}

#[utoipa::path(get, path = "/api/v1/users/{user_id}", tag = "users",
    params(("user_id" = String, Path, description = "The user id")),
    responses((status = 200, body = UserOut), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn get_user(
    State(state): State<ServerState>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> Result<Json<UserOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let d = engine::users::user_detail(&state.db, user_id.trim()).await?.ok_or_else(ApiError::not_found)?;
    let segments = engine::segments::containing(&state.segments, &state.db, &d.user_id).await?;
    let attributes = d.attributes.into_iter().map(|(name, _, v)| (name, json_value(v))).collect();
    Ok(Json(UserOut {
        phone: d.phone.as_deref().map(engine::phone::mask),
        user_id: d.user_id,
        attributes,
        segments,
        updated_at: d.updated_at,
    }))
}

/// Typed values keep their type; a value that is a mobile number (text or number) is masked.
fn json_value(v: Value) -> serde_json::Value {
    match v {
        Value::Text(s) => serde_json::Value::String(app::api::users::mask_if_phone(s)),
        // A mobile number stored as a number is masked like one stored as text.
        Value::Num(n) => match engine::phone::normalize(&Value::Num(n).display()) {
            Ok(phone) => serde_json::Value::String(engine::phone::mask(&phone)),
            Err(_) => serde_json::json!(n),
        },
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Time(t) => serde_json::json!(t),
    }
}

#[utoipa::path(get, path = "/api/v1/attributes", tag = "users",
    responses((status = 200, body = Vec<AttributeOut>), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_attributes(
    State(state): State<ServerState>,
    caller: Caller,
) -> Result<Json<Vec<AttributeOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let catalog = engine::users::attribute_catalog(&state.db).await?;
    Ok(Json(
        catalog
            .into_iter()
            .map(|a| AttributeOut {
                name: a.name,
                ty: a.ty.as_str().to_owned(),
                users: a.users,
                samples: a.samples.into_iter().map(app::api::users::mask_if_phone).collect(),
            })
            .collect(),
    ))
}
