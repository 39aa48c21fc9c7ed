//! `/api/v1/suppressions`: the 退订名单 — list (masked, offset cursor), add (with a reason,
//! audited) and remove (audited). Suppressed phones never receive marketing from any campaign.

use super::caller::Caller;
use super::error::ApiError;
use super::types::{Page, PageParams, SuppressionAdd, SuppressionAdded, SuppressionOut};
use app::state::ServerState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::auth::Role;
use engine::compliance::suppress;

fn out(e: suppress::Entry) -> SuppressionOut {
    SuppressionOut {
        phone: engine::phone::mask(&e.phone),
        source: e.source,
        vendor: e.vendor,
        detail: e.detail,
        created_by: e.created_by,
        created_at: e.created_at,
    }
}

/// The list, newest first.
#[utoipa::path(get, path = "/api/v1/suppressions", tag = "compliance", params(PageParams),
    responses((status = 200, body = Page<SuppressionOut>), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_suppressions(
    State(state): State<ServerState>,
    caller: Caller,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<SuppressionOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let before = match super::cursor::open(&state.key, p.cursor.as_deref())? {
        Some(pos) => {
            let bad = || ApiError::bad_request("cursor 无效：请传回上一页返回的 next_cursor");
            let (at, phone) = pos.split_once(':').ok_or_else(bad)?;
            Some((at.parse::<i64>().map_err(|_| bad())?, phone.to_owned()))
        }
        None => None,
    };
    let limit = super::cursor::limit(p.limit) as usize;
    let mut rows = suppress::list(&state.db, None, before, limit as u32 + 1).await?;
    let next_cursor = (rows.len() > limit)
        .then(|| super::cursor::seal(&state.key, &format!("{}:{}", rows[limit - 1].created_at, rows[limit - 1].phone)));
    rows.truncate(limit);
    let items = rows.into_iter().map(out).collect();
    Ok(Json(Page { items, next_cursor }))
}

/// Adds phones with a reason; returns how many were new.
#[utoipa::path(post, path = "/api/v1/suppressions", tag = "compliance", request_body = SuppressionAdd,
    responses((status = 200, body = SuppressionAdded), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn add_suppressions(
    State(state): State<ServerState>,
    caller: Caller,
    Json(body): Json<SuppressionAdd>,
) -> Result<Json<SuppressionAdded>, ApiError> {
    caller.require(Role::Operator)?;
    if body.reason.trim().is_empty() {
        return Err(ApiError::field("reason", "请填写原因"));
    }
    let mut phones = Vec::with_capacity(body.phones.len());
    let mut invalid = Vec::new();
    for raw in body.phones.iter().take(100_000) {
        match engine::phone::normalize(raw) {
            Ok(p) => phones.push(p),
            Err(_) => invalid.push(raw.chars().take(32).collect::<String>()),
        }
    }
    phones.sort_unstable();
    phones.dedup();
    let by = caller.actor();
    let added = suppress::add_many(&state.db, &phones, "api", body.reason.trim(), &by).await?;
    let detail = format!("新增 {added} 个；原因：{}", body.reason.trim());
    caller.audit(&state, "suppression_add", &format!("{} 个号码", phones.len()), &detail).await?;
    Ok(Json(SuppressionAdded { added, already: phones.len() as u64 - added, invalid }))
}

/// Removes one phone (full number in the path). Idempotent: removing a phone that is not on
/// the list also answers 204.
#[utoipa::path(delete, path = "/api/v1/suppressions/{phone}", tag = "compliance",
    params(("phone" = String, Path, description = "The full mobile number")),
    responses((status = 204), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn remove_suppression(
    State(state): State<ServerState>,
    caller: Caller,
    Path(phone): Path<String>,
) -> Result<http::StatusCode, ApiError> {
    caller.require(Role::Operator)?;
    let phone = engine::phone::normalize(&phone).map_err(|e| ApiError::field("phone", e.to_string()))?;
    if suppress::remove(&state.db, &phone).await?.is_some() {
        caller.audit(&state, "suppression_remove", &engine::phone::mask(&phone), "经 API 移除").await?;
    }
    Ok(http::StatusCode::NO_CONTENT)
}
