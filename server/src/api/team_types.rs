//! Bodies of the team endpoints. Passwords are write-only; a token appears in full only in
//! the answer that created it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct RoleOut {
    /// `admin`, `operator` or `viewer`.
    pub role: String,
    /// 管理员 / 运营 / 只读.
    pub label: String,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountOut {
    pub id: i64,
    pub username: String,
    pub role: String,
    pub disabled: bool,
    pub created_at: i64,
    pub created_by: String,
    pub last_login_at: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountCreate {
    pub username: String,
    pub role: String,
    pub password: String,
}

/// Only the fields present change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AccountPatch {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A new password (at least 10 characters); the account's sessions end.
    #[serde(default)]
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenOut {
    pub id: i64,
    pub name: String,
    pub role: String,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// The creating account is disabled, so the token is refused meanwhile.
    pub creator_disabled: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenCreate {
    pub name: String,
    pub role: String,
    /// Valid for this many days (1–3650); absent: until revoked.
    #[serde(default)]
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenCreated {
    pub id: i64,
    /// The full token: store it now, it is never shown again.
    pub token: String,
    pub expires_at: Option<i64>,
}
