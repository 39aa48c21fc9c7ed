//! Admin pages: 账号管理, API 令牌 and 审计日志 (the guard answers 403 to other roles).

mod accounts;
mod audit;
mod tokens;

pub use accounts::AccountsPage;
pub use audit::AuditPage;
pub use tokens::TokensPage;

/// The role choices of the account and token forms.
pub(crate) fn role_options() -> impl leptos::IntoView {
    use leptos::prelude::*;
    crate::dto::Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == crate::dto::Role::Operator>{r.label()}</option> })
        .collect_view()
}
