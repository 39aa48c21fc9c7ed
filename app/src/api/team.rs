//! 账号管理, API 令牌 and 审计日志: admin-only server functions. Every change is audited.

use crate::dto::team::{AccountRow, AuditPage, AuditQuery, NewAccountForm, NewToken, TokenRow};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "accounts/list", input = Json)]
pub async fn list_accounts() -> Result<Vec<AccountRow>, AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let accounts = engine::auth::accounts::list(&state.db).await?;
    Ok(accounts.into_iter().map(|a| convert::account(a, me.id)).collect())
}

#[server(prefix = "/api", endpoint = "accounts/create", input = Json)]
pub async fn create_account(form: NewAccountForm) -> Result<i64, AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let role = convert::role(&form.role)?;
    let id = engine::auth::accounts::create(&state.db, &form.username, role, &form.password, &me.username)
        .await
        .map_err(convert::account_error)?;
    let detail = format!("角色：{}", role.label());
    super::session::audit(&state, &me.username, "account_create", form.username.trim(), &detail).await?;
    Ok(id)
}

#[server(prefix = "/api", endpoint = "accounts/role", input = Json)]
pub async fn set_account_role(id: i64, role: String) -> Result<(), AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let role = convert::role(&role)?;
    let a = engine::auth::accounts::set_role(&state.db, id, role).await.map_err(convert::account_error)?;
    super::session::audit(&state, &me.username, "account_role", &a.username, role.label()).await
}

#[server(prefix = "/api", endpoint = "accounts/disable", input = Json)]
pub async fn set_account_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let a = engine::auth::accounts::set_disabled(&state.db, id, disabled).await.map_err(convert::account_error)?;
    let action = if disabled { "account_disable" } else { "account_enable" };
    super::session::audit(&state, &me.username, action, &a.username, "").await
}

/// Sets a new password for another account; its sessions end.
#[server(prefix = "/api", endpoint = "accounts/password", input = Json)]
pub async fn reset_account_password(id: i64, password: String) -> Result<(), AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let a = engine::auth::accounts::reset_password(&state.db, id, &password).await.map_err(convert::account_error)?;
    super::session::audit(&state, &me.username, "account_password_reset", &a.username, "").await
}

#[server(prefix = "/api", endpoint = "tokens/list", input = Json)]
pub async fn list_tokens() -> Result<Vec<TokenRow>, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    Ok(engine::auth::tokens::list(&state.db).await?.into_iter().map(convert::token).collect())
}

/// Creates a REST API token, valid for `days` (or until revoked); the answer is the only place
/// the full token ever appears.
#[server(prefix = "/api", endpoint = "tokens/create", input = Json)]
pub async fn create_token(name: String, role: String, days: Option<u32>) -> Result<NewToken, AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let role = convert::role(&role)?;
    if days.is_some_and(|d| d == 0 || d > 3650) {
        return Err(AppError::field("days", "有效期应为 1–3650 天，或选择永不过期").with_status());
    }
    let expires_at = days.map(|d| engine::clock::now() + i64::from(d) * 86_400);
    let (id, token) = engine::auth::tokens::create(&state.db, &name, role, &me.username, expires_at)
        .await
        .map_err(convert::account_error)?;
    let until = expires_at.map_or("永不过期".to_owned(), |t| format!("有效至 {}", engine::clock::display(t)));
    let detail = format!("角色：{}，前缀 {}，{until}", role.label(), &token[..10]);
    super::session::audit(&state, &me.username, "token_create", name.trim(), &detail).await?;
    Ok(NewToken { id, token })
}

#[server(prefix = "/api", endpoint = "tokens/revoke", input = Json)]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let (state, me, _) = super::session::require_admin().await?;
    let name = engine::auth::tokens::revoke(&state.db, id).await?.ok_or_else(|| AppError::NotFound.with_status())?;
    super::session::audit(&state, &me.username, "token_revoke", &name, &format!("令牌 #{id}")).await
}

#[server(prefix = "/api", endpoint = "audit/page", input = Json)]
pub async fn load_audit(query: AuditQuery) -> Result<AuditPage, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    convert::audit_page(&state.db, &query).await
}

#[cfg(feature = "ssr")]
pub mod convert;
