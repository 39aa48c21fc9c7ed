//! Users and their typed attributes. A user is keyed by the caller's user id; attributes are
//! typed (string, number, boolean, datetime) in a catalog, and values are stored by column,
//! one blob per attribute and block of 1,024 users ([`columns`]). Invariant: `users.phone` is always the
//! normalized mobile from the attribute chosen on 短信配置, or NULL.

pub mod columns;
mod history;
pub mod import;
pub mod phones;
mod read;
mod repo;
pub mod values;

pub use history::{headline, import_record, recent_imports, Headline, ImportRecord};
pub use import::record::import_bad_rows;
pub use repo::{attribute_catalog, attribute_types, find_users, user_detail, values_for, AttributeInfo, UserDetail};
pub use values::{AttrType, Value};

use crate::Db;

#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("{0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// A stored attribute block that does not decode (an internal fault, never the user's).
    #[error("stored attribute data is corrupt: {0}")]
    Corrupt(String),
}

/// Recomputes every user's phone from `attribute` (after 短信配置 changes it).
pub async fn refresh_phones(db: &Db, attribute: &str) -> Result<u64, UsersError> {
    repo::refresh_phones(db, attribute).await
}

/// Records a sensitive action (e.g. revealing a full phone number).
pub async fn audit(db: &Db, actor: &str, action: &str, target: &str, detail: &str) -> Result<(), UsersError> {
    let r = crate::audit::Record { actor, action, target, detail, ip: "" };
    Ok(crate::audit::record(db, r).await?)
}

/// Records an import (console upload or API) with its counts, or why it failed.
pub async fn audit_import(
    db: &Db,
    actor: &str,
    file: &str,
    result: &Result<import::ImportSummary, UsersError>,
) -> Result<(), UsersError> {
    let detail = match result {
        Ok(s) => format!("新增 {}，更新 {}，跳过 {} 行", s.users_new, s.users_updated, s.rows_bad),
        Err(e) => format!("失败：{e}"),
    };
    audit(db, actor, "import_users", file, &detail).await
}
