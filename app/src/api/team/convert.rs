//! Engine rows to the admin pages' DTOs, and the errors those pages show beside their fields.

use crate::dto::team::{AccountRow, AuditPage, AuditQuery, AuditRow, TokenRow};
use crate::error::AppError;
use engine::auth::{accounts::AccountInfo, tokens::TokenInfo, AuthError, Role};

const AUDIT_PAGE: u32 = 50;

fn time(t: Option<i64>) -> String {
    t.map(engine::clock::display).unwrap_or_default()
}

pub fn account(a: AccountInfo, me: i64) -> AccountRow {
    AccountRow {
        id: a.id,
        username: a.username,
        role: a.role,
        disabled: a.disabled,
        created: engine::clock::display(a.created_at),
        created_by: a.created_by,
        last_login: time(a.last_login_at),
        is_me: a.id == me,
    }
}

pub fn token(t: TokenInfo) -> TokenRow {
    TokenRow {
        id: t.id,
        name: t.name,
        role: t.role,
        prefix: t.prefix,
        created: engine::clock::display(t.created_at),
        created_by: t.created_by,
        last_used: time(t.last_used_at),
        revoked: time(t.revoked_at),
        expires: t.expires_at.map_or_else(|| "永不过期".to_owned(), engine::clock::display),
        inactive: match (t.expires_at, t.creator_disabled) {
            (Some(at), _) if at <= engine::clock::now() => "已过期".into(),
            (_, true) => "创建者已停用，令牌暂不可用".into(),
            _ => String::new(),
        },
    }
}

pub fn role(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or_else(|| AppError::field("role", "请选择角色：管理员、运营或只读").with_status())
}

/// Account and token errors as field errors where the operator can fix them.
pub fn account_error(e: AuthError) -> AppError {
    match e {
        AuthError::InvalidUsername(m) => AppError::field("username", m).with_status(),
        AuthError::DuplicateUsername => AppError::field("username", e.to_string()).with_status(),
        AuthError::WeakPassword(m) => AppError::field("password", m).with_status(),
        AuthError::InvalidName(m) => AppError::field("name", m).with_status(),
        AuthError::LastAdmin => AppError::Conflict { message: e.to_string() }.with_status(),
        AuthError::NotFound => AppError::NotFound.with_status(),
        other => other.into(),
    }
}

pub async fn audit_page(db: &engine::Db, q: &AuditQuery) -> Result<AuditPage, AppError> {
    let filter = engine::audit::Filter {
        actor: Some(q.actor.trim().to_owned()).filter(|s| !s.is_empty()),
        action: Some(q.action.trim().to_owned()).filter(|s| !s.is_empty()),
        from: crate::api::ledger::day_bound("from", &q.from, false)?,
        to: crate::api::ledger::day_bound("to", &q.to, true)?,
        before: q.before.trim().parse().ok(),
        limit: AUDIT_PAGE + 1,
    };
    let mut rows = engine::audit::query(db, &filter).await.map_err(|e| AppError::internal(&e))?;
    let next = (rows.len() > AUDIT_PAGE as usize).then(|| rows[AUDIT_PAGE as usize - 1].id);
    rows.truncate(AUDIT_PAGE as usize);
    Ok(AuditPage {
        rows: rows
            .into_iter()
            .map(|e| AuditRow {
                id: e.id,
                at: engine::clock::display(e.at),
                action_label: engine::audit::action_label(&e.action).to_owned(),
                actor: e.actor,
                action: e.action,
                target: e.target,
                detail: e.detail,
                ip: e.ip,
            })
            .collect(),
        next,
        actions: engine::audit::ACTIONS.iter().map(|(a, l)| ((*a).to_owned(), (*l).to_owned())).collect(),
    })
}
