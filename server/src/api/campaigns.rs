//! `/api/v1/campaigns` and `/api/v1/messages`: create (and start), start, pause, resume,
//! cancel, get with progress, list, and the ledger by campaign or phone. Campaigns go through
//! the same validation, template check and idempotent start as the builder.

use super::caller::Caller;
use super::cursor;
use super::error::ApiError;
use super::types::{
    CampaignCreate, CampaignMessageParams, CampaignOut, CarrierOut, FailureOut, MessageOut, MessageParams, Page,
    PageParams, ProgressOut, StatsOut,
};
use app::state::ServerState;
use axum::extract::{Path, Query, State};
use axum::Json;
use engine::auth::Role;
use engine::campaigns::Campaign;
use http::{HeaderMap, StatusCode};
use types::{BindingForm, CampaignForm};

async fn out(state: &ServerState, c: Campaign) -> Result<CampaignOut, ApiError> {
    let p = engine::campaigns::progress(&state.db, c.id).await?;
    Ok(CampaignOut {
        id: c.id,
        name: c.name,
        status: c.status.as_str().to_owned(),
        status_reason: c.status_reason,
        segment_id: c.segment_id,
        vendor: c.vendor.as_str().to_owned(),
        sandbox: c.sandbox,
        scheduled_at: c.scheduled_at,
        planned: c.planned,
        created_by: c.created_by,
        created_at: c.created_at,
        started_at: c.started_at,
        finished_at: c.finished_at,
        progress: ProgressOut {
            total: p.total(),
            queued: p.queued,
            sending: p.sending,
            submitted: p.submitted,
            failed: p.failed,
            unknown: p.unknown,
            cancelled: p.cancelled,
        },
    })
}

async fn find(state: &ServerState, id: i64) -> Result<Campaign, ApiError> {
    engine::campaigns::get(&state.db, id).await?.ok_or_else(ApiError::not_found)
}

fn form(b: &CampaignCreate) -> CampaignForm {
    CampaignForm {
        name: b.name.clone(),
        segment_id: Some(b.segment_id),
        vendor: b.vendor.clone(),
        signature: b.signature.clone(),
        mode: b.mode.clone(),
        content: b.content.clone(),
        template_id: b.template_id.clone(),
        template_params: b.template_params.join(","),
        bindings: b
            .bindings
            .iter()
            .map(|x| BindingForm { attribute: x.attribute.clone(), fallback: x.fallback.clone(), skip: x.skip })
            .collect(),
        schedule: b.schedule.clone().unwrap_or_default(),
        kind: b.kind.clone(),
        window_start: b.window_start.clone(),
        window_end: b.window_end.clone(),
    }
}

/// The client's `Idempotency-Key`, trimmed to 100 characters, when it sent one.
fn client_key(headers: &HeaderMap) -> Option<String> {
    let k = headers.get("idempotency-key").and_then(|v| v.to_str().ok()).map(str::trim).filter(|k| !k.is_empty())?;
    Some(k.chars().take(100).collect())
}

/// The create key: the client's `Idempotency-Key` scoped to its token (two clients may pick
/// the same key).
fn create_key(token: i64, headers: &HeaderMap) -> Option<String> {
    client_key(headers).map(|k| format!("api-{token}-{k}"))
}

/// The start key: the client's `Idempotency-Key`, else one per campaign, so retries of the
/// same call never start a second send.
fn start_key(id: i64, headers: &HeaderMap) -> String {
    match client_key(headers) {
        Some(k) => format!("api-{id}-{k}"),
        None => format!("api-{id}"),
    }
}

#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignCreate,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create (and start) make one \
        campaign and one send: a repeat with the same key answers 200 with the campaign the first call created")),
    responses((status = 201, body = CampaignOut), (status = 200, body = CampaignOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn create_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    Json(body): Json<CampaignCreate>,
) -> Result<(StatusCode, Json<CampaignOut>), ApiError> {
    let token = caller.require(Role::Operator)?;
    let key = create_key(token.id, &headers);
    let (c, created) = state.create_campaign_once(&form(&body), &caller.actor(), key.as_deref()).await?;
    let target = format!("活动 #{} {}", c.id, c.name);
    if created {
        caller.audit(&state, "campaign_create", &target, "API").await?;
    }
    if body.start && c.scheduled_at.is_none() {
        state.start_campaign(c.id, &start_key(c.id, &headers)).await?;
        caller.audit(&state, "campaign_start", &target, "API").await?;
    }
    let c = find(&state, c.id).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(out(&state, c).await?)))
}

#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns", params(PageParams),
    responses((status = 200, body = Page<CampaignOut>), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_campaigns(
    State(state): State<ServerState>,
    caller: Caller,
    Query(p): Query<PageParams>,
) -> Result<Json<Page<CampaignOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let (before, limit) = cursor::keyset(&p)?;
    let (rows, next) = cursor::finish(engine::campaigns::page(&state.db, before, limit).await?, &p, |c| c.id);
    let mut items = Vec::new();
    for c in rows {
        items.push(out(&state, c).await?);
    }
    Ok(Json(Page { items, next_cursor: next }))
}

/// The campaign with its live progress.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignOut), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn get_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let c = find(&state, id).await?;
    Ok(Json(out(&state, c).await?))
}

async fn act(
    state: &ServerState,
    caller: &Caller,
    id: i64,
    headers: &HeaderMap,
    action: &str,
) -> Result<Json<CampaignOut>, ApiError> {
    caller.require(Role::Operator)?;
    find(state, id).await?;
    match action {
        "start" => state.start_campaign(id, &start_key(id, headers)).await?,
        other => state.control_campaign(id, engine::campaigns::Control::parse(other)?).await?,
    }
    caller.audit(state, &format!("campaign_{action}"), &format!("活动 #{id}"), "API").await?;
    Ok(Json(out(state, find(state, id).await?).await?))
}

/// Starts a draft; the same `Idempotency-Key` (or none) never starts it twice.
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/start", tag = "campaigns",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = CampaignOut), (status = 400, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn start_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    act(&state, &caller, id, &headers, "start").await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/pause", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignOut), (status = 400, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn pause_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    act(&state, &caller, id, &headers, "pause").await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/resume", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignOut), (status = 400, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn resume_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    act(&state, &caller, id, &headers, "resume").await
}

#[utoipa::path(post, path = "/api/v1/campaigns/{id}/cancel", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignOut), (status = 400, body = super::error::ErrorBody),
        (status = 404, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn cancel_campaign(
    State(state): State<ServerState>,
    caller: Caller,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Result<Json<CampaignOut>, ApiError> {
    act(&state, &caller, id, &headers, "cancel").await
}

/// Messages newest first, by campaign and/or phone, with their status category.
#[utoipa::path(get, path = "/api/v1/messages", tag = "messages", params(MessageParams),
    responses((status = 200, body = Page<MessageOut>), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_messages(
    State(state): State<ServerState>,
    caller: Caller,
    Query(p): Query<MessageParams>,
) -> Result<Json<Page<MessageOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    let params = CampaignMessageParams { phone: p.phone, status: p.status, cursor: p.cursor, limit: p.limit };
    Ok(Json(messages(&state, &caller, p.campaign_id, params).await?))
}

/// One campaign's ledger, newest first (paged in SQL by message id).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/messages", tag = "messages",
    params(("id" = i64, Path), CampaignMessageParams),
    responses((status = 200, body = Page<MessageOut>), (status = 404, body = super::error::ErrorBody),
        (status = 422, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn campaign_messages(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(p): Query<CampaignMessageParams>,
) -> Result<Json<Page<MessageOut>>, ApiError> {
    caller.require(Role::Viewer)?;
    find(&state, id).await?;
    Ok(Json(messages(&state, &caller, Some(id), p).await?))
}

async fn messages(
    state: &ServerState,
    caller: &Caller,
    campaign: Option<i64>,
    p: CampaignMessageParams,
) -> Result<Page<MessageOut>, ApiError> {
    let limit = cursor::limit(p.limit);
    let query = types::LedgerQuery {
        campaign: campaign.map(|c| c.to_string()).unwrap_or_default(),
        status: p.status.unwrap_or_default(),
        phone: p.phone.unwrap_or_default(),
        before: cursor::decode(p.cursor.as_deref())?.map(|b| b.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    let filter = engine::ledger::query::Filter::parse(&query, limit + 1)?;
    if let Some(phone) = &filter.phone {
        app::api::lookups::full_phone(state, &caller.actor(), phone, "API 发送记录").await?;
    }
    let rows = engine::ledger::query::page(&state.db, &filter, state.receipt_timeout_secs).await?;
    let next = (rows.len() > limit as usize).then(|| cursor::encode(rows[limit as usize - 1].id));
    let items = rows.into_iter().take(limit as usize).map(message).collect();
    Ok(Page { items, next_cursor: next })
}

/// The campaign's statistics (cached like the campaign page's: at most one computation per
/// freshness window however many clients poll).
#[utoipa::path(get, path = "/api/v1/campaigns/{id}/stats", tag = "campaigns", params(("id" = i64, Path)),
    responses((status = 200, body = StatsOut), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn campaign_stats(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<StatsOut>, ApiError> {
    caller.require(Role::Viewer)?;
    find(&state, id).await?;
    let (s, resendable) = state.campaign_stats(id).await?;
    Ok(Json(StatsOut {
        targets: s.targets,
        submitted: s.submitted,
        delivered: s.delivered,
        failed: s.failed,
        pending: s.pending,
        timeout: s.timeout,
        unknown: s.unknown,
        in_progress: s.in_progress,
        cancelled: s.cancelled,
        resendable,
        failures: s
            .failures
            .into_iter()
            .map(|(category, reason, messages)| FailureOut { category, reason, messages })
            .collect(),
        carriers: s
            .carriers
            .into_iter()
            .map(|(carrier, targets, delivered, failed)| CarrierOut { carrier, targets, delivered, failed })
            .collect(),
    }))
}

fn message(e: engine::ledger::query::Entry) -> MessageOut {
    MessageOut {
        id: e.id,
        campaign_id: e.campaign_id,
        user_id: e.user_id,
        phone: engine::phone::mask(&e.phone),
        vendor: e.vendor,
        sandbox: e.sandbox,
        msg_id: e.msg_id,
        submit_code: e.code,
        submitted_at: e.submitted_at,
        report_status: e.report_status,
        report_desc: e.report_desc,
        category: e.category.as_str().to_owned(),
        category_label: e.category.label().to_owned(),
        explanation: e.explanation,
        units: e.units,
    }
}
