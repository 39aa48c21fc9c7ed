//! 用户 and 用户细查: headline counts, attribute catalog, import history, lookup, and the
//! audited reveal of one full phone number. Uploads themselves go through the plain
//! `POST /api/users/import` route (a streamed multipart body, not a server function).

use crate::dto::audience::{ImportRow, UserCard, UserHit, UsersOverview};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "users/overview", input = Json)]
pub async fn load_users_overview() -> Result<UsersOverview, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    convert::overview(&state.db).await
}

#[server(prefix = "/api", endpoint = "users/import-result", input = Json)]
pub async fn import_result(id: i64) -> Result<ImportRow, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let record = engine::users::import_record(&state.db, id).await?;
    record.map(convert::import_row).ok_or_else(|| AppError::NotFound.with_status())
}

/// Finds users by user id, full phone, or the last 4+ digits of the phone.
#[server(prefix = "/api", endpoint = "users/find", input = Json)]
pub async fn find_users(query: String) -> Result<Vec<UserHit>, AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    if query.trim().is_empty() {
        return Err(AppError::field("query", "请输入用户 ID 或手机号").with_status());
    }
    if let Ok(phone) = engine::phone::normalize(&query) {
        super::lookups::full_phone(&state, &account.username, &phone, "用户细查").await?;
    }
    let hits = engine::users::find_users(&state.db, &query, 50).await?;
    Ok(hits.into_iter().map(|(user_id, phone)| UserHit { user_id, phone_masked: phone.as_deref().map(mask) }).collect())
}

#[server(prefix = "/api", endpoint = "users/detail", input = Json)]
pub async fn user_detail(user_id: String) -> Result<UserCard, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let detail = engine::users::user_detail(&state.db, user_id.trim()).await?;
    let d = detail.ok_or_else(|| AppError::NotFound.with_status())?;
    let segments = engine::segments::containing(&state.segments, &state.db, &d.user_id).await?;
    Ok(UserCard {
        segments,
        user_id: d.user_id,
        phone_masked: d.phone.as_deref().map(mask),
        updated_at: engine::clock::display(d.updated_at),
        attributes: d
            .attributes
            .into_iter()
            .map(|(n, t, v)| (n, t.label().to_owned(), mask_if_phone(v.display())))
            .collect(),
    })
}

/// The full phone of one user. Every call is written to the audit log.
#[server(prefix = "/api", endpoint = "users/reveal-phone", input = Json)]
pub async fn reveal_phone(user_id: String) -> Result<String, AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let detail = engine::users::user_detail(&state.db, user_id.trim()).await?;
    let phone = detail.and_then(|d| d.phone).ok_or_else(|| AppError::NotFound.with_status())?;
    super::session::audit(&state, &account.username, "reveal_phone", user_id.trim(), "用户细查").await?;
    tracing::info!(user = %account.username, target = %user_id.trim(), "phone revealed");
    Ok(phone)
}

#[cfg(feature = "ssr")]
pub fn mask(phone: &str) -> String {
    engine::phone::mask(phone)
}

/// Values that are mobile numbers are masked wherever users are listed.
#[cfg(feature = "ssr")]
pub fn mask_if_phone(value: String) -> String {
    match engine::phone::normalize(&value) {
        Ok(p) => engine::phone::mask(&p),
        Err(_) => value,
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use super::mask_if_phone;
    use crate::dto::audience::{AttributeRow, ImportRow, UsersOverview};
    use crate::error::AppError;
    use engine::users::ImportRecord;

    pub async fn overview(db: &engine::Db) -> Result<UsersOverview, AppError> {
        let h = engine::users::headline(db).await?;
        let attributes = engine::users::attribute_catalog(db)
            .await?
            .into_iter()
            .map(|a| AttributeRow {
                name: a.name,
                ty: a.ty.as_str().to_owned(),
                ty_label: a.ty.label().to_owned(),
                users: a.users.max(0) as u64,
                samples: a.samples.into_iter().map(mask_if_phone).collect(),
            })
            .collect();
        let imports = engine::users::recent_imports(db, 10).await?.into_iter().map(import_row).collect();
        let phone_attribute = engine::settings::phone_attribute(db).await?;
        Ok(UsersOverview {
            users: h.users,
            with_phone: h.with_phone,
            shared_phone: h.shared_phone,
            phone_attribute,
            attributes,
            imports,
        })
    }

    pub fn import_row(r: ImportRecord) -> ImportRow {
        ImportRow {
            id: r.id,
            file_name: r.file_name,
            status: r.status,
            encoding: r.encoding,
            rows_total: r.rows_total,
            rows_ok: r.rows_ok,
            rows_bad: r.rows_bad,
            users_new: r.users_new,
            users_updated: r.users_updated,
            phones_invalid: r.phones_invalid,
            duplicate_ids: r.duplicate_ids,
            error: r.error,
            started_at: engine::clock::display(r.started_at),
            seconds: r.finished_at.map(|f| f - r.started_at),
            actor: r.actor,
        }
    }
}
