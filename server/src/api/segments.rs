//! `/api/v1/segments`: list, create (rule or list), live count and member pages.

use super::caller::Caller;
use super::cursor;
use super::error::ApiError;
use super::types::{CountOut, MemberOut, Page, PageParams, SegmentCreate, SegmentOut};
use app::state::ServerState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::auth::Role;
use engine::segments::{Segment, SegmentKind};

fn out(s: Segment) -> SegmentOut {
    SegmentOut {
        id: s.id,
        name: s.name,
        kind: if s.kind == SegmentKind::Rule { "rule" } else { "list" }.into(),
        description: s.description,
        members: s.cached.as_ref().map(|c| c.members),
        with_phone: s.cached.as_ref().map(|c| c.with_phone),
        updated_at: s.updated_at,
    }
}

async fn find(state: &ServerState, id: i64) -> Result<Segment, ApiError> {
    engine::segments::get(&state.db, id).await?.ok_or_else(ApiError::not_found)
}

/// Segments, newest first.
#[utoipa::path(get, path = "/api/v1/segments", tag = "segments", params(PageParams),
    responses((status = 200, body = Page<SegmentOut>), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_segments(
    State(state): State<ServerState>,
    caller: Caller,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<SegmentOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let (before, limit) = cursor::keyset(&p)?;
    let (rows, next) = cursor::finish(engine::segments::page(&state.db, before, limit).await?, &p, |s| s.id);
    Ok(Json(Page { items: rows.into_iter().map(out).collect(), next_cursor: next }))
}

#[utoipa::path(post, path = "/api/v1/segments", tag = "segments", request_body = SegmentCreate,
    responses((status = 201, body = SegmentOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn create_segment(
    State(state): State<ServerState>,
    caller: Caller,
    Json(body): Json<SegmentCreate>,
) -> Result<(http::StatusCode, Json<SegmentOut>), ApiError> {
    caller.require(Role::Operator)?;
    let rule = match (&body.rule, body.user_ids.is_empty()) {
        (Some(_), false) => return Err(ApiError::field("rule", "rule 与 user_ids 只能二选一")),
        (Some(r), true) => Some(
            serde_json::to_value(r)
                .and_then(serde_json::from_value::<engine::segments::Rule>)
                .map_err(|e| ApiError::field("rule", format!("条件无效：{e}")))?,
        ),
        (None, _) => None,
    };
    let input = engine::segments::SegmentInput {
        name: body.name.clone(),
        description: body.description.clone(),
        rule,
        list: body.user_ids.iter().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()).collect(),
    };
    let (seg, unknown) = engine::segments::create(&state.segments, &state.db, &input, &caller.actor()).await?;
    let detail = format!("分群 #{}（API，{unknown} 个未匹配的用户 ID）", seg.id);
    caller.audit(&state, "segment_save", &seg.name, &detail).await?;
    Ok((http::StatusCode::CREATED, Json(out(seg))))
}

/// Counts the segment now (rule segments are evaluated live).
#[utoipa::path(get, path = "/api/v1/segments/{id}/count", tag = "segments",
    params(("id" = i64, Path)),
    responses((status = 200, body = CountOut), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn count_segment(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<CountOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let seg = find(&state, id).await?;
    let c = engine::segments::refresh_count(&state.segments, &state.db, &seg).await?;
    Ok(Json(CountOut { members: c.members, with_phone: c.with_phone }))
}

/// Members in import order; phones masked.
#[utoipa::path(get, path = "/api/v1/segments/{id}/members", tag = "segments",
    params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<MemberOut>), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn segment_members(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<MemberOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let seg = find(&state, id).await?;
    let after = cursor::decode(p.cursor.as_deref())?.unwrap_or(-1);
    let limit = cursor::limit(p.limit) as usize;
    let (bits, _) = engine::segments::members(&state.segments, &state.db, &seg).await?;
    let ids = bits.after(after, limit + 1);
    let next = (ids.len() > limit).then(|| cursor::encode(ids[limit - 1]));
    let rows = engine::segments::users_by_rowid(&state.db, &ids[..ids.len().min(limit)]).await?;
    let items = rows
        .into_iter()
        .map(|r| MemberOut { user_id: r.user_id, phone: r.phone.as_deref().map(engine::phone::mask) })
        .collect();
    Ok(Json(Page { items, next_cursor: next }))
}
