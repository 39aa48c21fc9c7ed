//! Accounts, API tokens and the audit log as the admin pages show them. A token's secret is
//! only ever in [`NewToken`], the answer to the call that created it.

use super::Role;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created: String,
    pub created_by: String,
    pub last_login: String,
    /// The row of the signed-in admin.
    pub is_me: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccountForm {
    pub username: String,
    pub role: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub prefix: String,
    pub created: String,
    pub created_by: String,
    pub last_used: String,
    pub revoked: String,
    /// `永不过期` or the expiry time.
    pub expires: String,
    /// Why a token that is not revoked does not work now (已过期, 创建者已停用), else empty.
    pub inactive: String,
}

/// The full token, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub id: i64,
    pub token: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    /// `yyyy-MM-dd` (Asia/Shanghai), inclusive.
    pub from: String,
    pub to: String,
    /// The last id of the previous page.
    pub before: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// `before` for the next page, when there is one.
    pub next: Option<i64>,
    /// (action, label) for the filter.
    pub actions: Vec<(String, String)>,
}
