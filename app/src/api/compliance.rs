//! 合规: the policy (合规设置), the builder's live content check and the suppression list
//! (退订名单: list with search, manual add/remove with a reason, pasted CSV import). Every
//! change is audited; phones leave the server masked.

use crate::dto::compliance::{ContentCheck, PolicyForm, SuppressionAdded, SuppressionPage};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "compliance/policy", input = Json)]
pub async fn load_policy() -> Result<PolicyForm, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    Ok(convert::form(&engine::compliance::policy(&state.db).await?))
}

#[server(prefix = "/api", endpoint = "compliance/policy/save", input = Json)]
pub async fn save_policy(form: PolicyForm) -> Result<PolicyForm, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let policy = convert::policy(&form)?;
    let saved = engine::compliance::save_policy(&state.db, &policy).await?;
    let detail = format!(
        "营销时段 {}，每日上限 {}，7 日上限 {}，保留 {} 天",
        saved.window.label(),
        saved.daily_cap,
        saved.weekly_cap,
        saved.retention_days
    );
    super::session::audit(&state, &account.username, "settings_compliance", "合规设置", &detail).await?;
    Ok(convert::form(&saved))
}

/// The builder's live check of free text for a message type (`marketing` / `notification`).
#[server(prefix = "/api", endpoint = "compliance/check-content", input = Json)]
pub async fn check_content(kind: String, signature: String, content: String) -> Result<ContentCheck, AppError> {
    use engine::compliance::{content, MessageKind};
    super::session::require_viewer().await?;
    let kind = MessageKind::parse(&kind).unwrap_or_default();
    let text = content.trim();
    let problems = if text.is_empty() { Vec::new() } else { content::content_errors(kind, text) };
    let with_suffix = (kind == MessageKind::Marketing && !text.is_empty() && !content::ends_with_suffix(text))
        .then(|| content::with_suffix(text));
    let full = engine::sms::with_signature(signature.trim().trim_start_matches('【').trim_end_matches('】'), text);
    let chars = engine::sms::char_len(&full);
    Ok(ContentCheck { problems, with_suffix, chars: chars as u64, units: engine::sms::billing_units(chars) })
}

#[server(prefix = "/api", endpoint = "suppressions/list", input = Json)]
pub async fn list_suppressions(search: String, after: Option<String>) -> Result<SuppressionPage, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    convert::page(&state, &search, after.as_deref()).await
}

/// Adds the phones in `phones` (typed, or a pasted CSV whose first column is the phone).
#[server(prefix = "/api", endpoint = "suppressions/add", input = Json)]
pub async fn add_suppressions(phones: String, reason: String) -> Result<SuppressionAdded, AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let reason = reason.trim().chars().take(200).collect::<String>();
    if reason.is_empty() {
        return Err(AppError::field("reason", "请填写原因，例如：用户来电要求退订").with_status());
    }
    let (ok, invalid) = convert::phones(&phones);
    if ok.is_empty() {
        let m = if invalid.is_empty() { "请填写至少一个手机号" } else { "没有有效的手机号" };
        return Err(AppError::field("phones", m).with_status());
    }
    let source = if ok.len() > 1 { "import" } else { "manual" };
    let added = engine::compliance::suppress::add_many(&state.db, &ok, source, &reason, &account.username).await?;
    let target = match ok.as_slice() {
        [one] => engine::phone::mask(one),
        many => format!("{} 个号码", many.len()),
    };
    let detail = format!("新增 {added} 个；原因：{reason}");
    super::session::audit(&state, &account.username, "suppression_add", &target, &detail).await?;
    Ok(SuppressionAdded { added, already: ok.len() as u64 - added, invalid })
}

/// Removes one phone (typed in full: the list shows masked numbers) with a reason.
#[server(prefix = "/api", endpoint = "suppressions/remove", input = Json)]
pub async fn remove_suppression(phone: String, reason: String) -> Result<(), AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let mut errors = Vec::new();
    let normalized = engine::phone::normalize(&phone).map_err(|e| e.to_string());
    if let Err(m) = &normalized {
        errors.push(crate::dto::FieldError { field: "remove_phone".into(), message: m.clone() });
    }
    if reason.trim().is_empty() {
        let message = "请填写移除原因，例如：用户书面重新同意接收".into();
        errors.push(crate::dto::FieldError { field: "remove_reason".into(), message });
    }
    let phone = match normalized {
        Ok(p) if errors.is_empty() => p,
        _ => return Err(AppError::Validation { errors }.with_status()),
    };
    let removed = engine::compliance::suppress::remove(&state.db, &phone).await?;
    let Some(_) = removed else {
        return Err(AppError::field("remove_phone", "该号码不在退订名单中").with_status());
    };
    let detail = format!("原因：{}", reason.trim());
    super::session::audit(&state, &account.username, "suppression_remove", &engine::phone::mask(&phone), &detail).await
}

#[cfg(feature = "ssr")]
pub mod convert;
