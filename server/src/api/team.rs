//! `/api/v1/accounts`, `/api/v1/roles` and `/api/v1/tokens`: team administration for admin
//! tokens only, with the console's rules (one enabled admin always remains, passwords of 10+
//! characters, a token shown once). Every change is audited as `API:<token>`.

use super::caller::Caller;
use super::error::ApiError;
use super::team_types::{AccountCreate, AccountOut, AccountPatch, RoleOut, TokenCreate, TokenCreated, TokenOut};
use app::api::team::convert::account_error;
use app::state::ServerState;
use axum::extract::{Path, State};
use axum::Json;
use engine::auth::{accounts, tokens, Role};
use http::StatusCode;

fn role(s: &str) -> Result<Role, ApiError> {
    Role::parse(s).ok_or_else(|| ApiError::field("role", "角色应为 admin、operator 或 viewer"))
}

fn account_out(a: accounts::AccountInfo) -> AccountOut {
    AccountOut {
        id: a.id,
        username: a.username,
        role: a.role.as_str().to_owned(),
        disabled: a.disabled,
        created_at: a.created_at,
        created_by: a.created_by,
        last_login_at: a.last_login_at,
    }
}

fn token_out(t: tokens::TokenInfo) -> TokenOut {
    TokenOut {
        id: t.id,
        name: t.name,
        role: t.role.as_str().to_owned(),
        prefix: t.prefix,
        created_by: t.created_by,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
        expires_at: t.expires_at,
        creator_disabled: t.creator_disabled,
    }
}

/// The three roles, each including the ones below it.
#[utoipa::path(get, path = "/api/v1/roles", tag = "team",
    responses((status = 200, body = Vec<RoleOut>), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_roles(caller: Caller) -> Result<Json<Vec<RoleOut>>, ApiError> {
    caller.require(Role::Admin)?;
    let described = [
        (Role::Admin, "全部功能：短信配置、账号管理、API 令牌、审计日志，以及运营的一切"),
        (Role::Operator, "导入用户、建分群、建活动和发送、退订名单，以及只读的一切"),
        (Role::Viewer, "查看用户、分群、活动、发送记录和统计；手机号打码显示"),
    ];
    Ok(Json(
        described
            .into_iter()
            .map(|(r, d)| RoleOut {
                role: r.as_str().to_owned(),
                label: r.label().to_owned(),
                description: d.to_owned(),
            })
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts", tag = "team",
    responses((status = 200, body = Vec<AccountOut>), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_accounts(
    State(state): State<ServerState>,
    caller: Caller,
) -> Result<Json<Vec<AccountOut>>, ApiError> {
    caller.require(Role::Admin)?;
    let all = accounts::list(&state.db).await.map_err(account_error)?;
    Ok(Json(all.into_iter().map(account_out).collect()))
}

/// Adds a console account with a role and an initial password (at least 10 characters).
#[utoipa::path(post, path = "/api/v1/accounts", tag = "team", request_body = AccountCreate,
    responses((status = 201, body = AccountOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn create_account(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<AccountCreate>,
) -> Result<(StatusCode, Json<AccountOut>), ApiError> {
    caller.require(Role::Admin)?;
    let r = role(&b.role)?;
    let id = accounts::create(&state.db, &b.username, r, &b.password, &caller.actor()).await.map_err(account_error)?;
    caller.audit(&state, "account_create", b.username.trim(), &format!("角色：{}", r.label())).await?;
    let a = accounts::get(&state.db, id).await.map_err(account_error)?.ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(account_out(a))))
}

/// Changes an account's role, disables or enables it, or sets a new password (its sessions
/// end). Refused when it would leave no enabled admin.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "team", params(("id" = i64, Path)),
    request_body = AccountPatch,
    responses((status = 200, body = AccountOut), (status = 404, body = super::error::ErrorBody),
        (status = 409, body = super::error::ErrorBody), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn update_account(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(b): Json<AccountPatch>,
) -> Result<Json<AccountOut>, ApiError> {
    caller.require(Role::Admin)?;
    let mut a = accounts::get(&state.db, id).await.map_err(account_error)?.ok_or_else(ApiError::not_found)?;
    if let Some(r) = b.role.as_deref() {
        let r = role(r)?;
        a = accounts::set_role(&state.db, id, r).await.map_err(account_error)?;
        caller.audit(&state, "account_role", &a.username, r.label()).await?;
    }
    if let Some(disabled) = b.disabled {
        a = accounts::set_disabled(&state.db, id, disabled).await.map_err(account_error)?;
        let action = if disabled { "account_disable" } else { "account_enable" };
        caller.audit(&state, action, &a.username, "").await?;
    }
    if let Some(p) = b.password.as_deref() {
        a = accounts::reset_password(&state.db, id, p).await.map_err(account_error)?;
        caller.audit(&state, "account_password_reset", &a.username, "").await?;
    }
    Ok(Json(account_out(a)))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "team",
    responses((status = 200, body = Vec<TokenOut>), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn list_tokens(State(state): State<ServerState>, caller: Caller) -> Result<Json<Vec<TokenOut>>, ApiError> {
    caller.require(Role::Admin)?;
    Ok(Json(tokens::list(&state.db).await.map_err(account_error)?.into_iter().map(token_out).collect()))
}

/// Creates a token; the answer is the only place it ever appears in full. It belongs to the
/// account that created the calling token: disabling that account stops both.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "team", request_body = TokenCreate,
    responses((status = 201, body = TokenCreated), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn create_token(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<TokenCreate>,
) -> Result<(StatusCode, Json<TokenCreated>), ApiError> {
    let me = caller.require(Role::Admin)?;
    let r = role(&b.role)?;
    if b.days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(ApiError::field("days", "有效期应为 1–3650 天，或不填（永不过期）"));
    }
    let expires_at = b.days.map(|d| engine::clock::now() + i64::from(d) * 86_400);
    let (id, token) = tokens::create(&state.db, &b.name, r, &me.created_by, expires_at).await.map_err(account_error)?;
    let detail = format!("角色：{}，前缀 {}", r.label(), token.get(..10).unwrap_or_default());
    caller.audit(&state, "token_create", b.name.trim(), &detail).await?;
    Ok((StatusCode::CREATED, Json(TokenCreated { id, token, expires_at })))
}

/// Revokes a token at once (a token may revoke itself).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "team", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn revoke_token(
    State(state): State<ServerState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    caller.require(Role::Admin)?;
    let name = tokens::revoke(&state.db, id).await.map_err(account_error)?.ok_or_else(ApiError::not_found)?;
    caller.audit(&state, "token_revoke", &name, &format!("令牌 #{id}")).await?;
    Ok(StatusCode::NO_CONTENT)
}
