//! 活动: builder options, template check with preview and reconciliation, create, start,
//! pause/resume/cancel, list and the campaign page with live progress.

use crate::dto::campaign::{BuilderOptions, CampaignDetail, CampaignForm, CampaignRow, PreviewView};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "campaigns/options", input = Json)]
pub async fn load_builder_options() -> Result<BuilderOptions, AppError> {
    let (state, _, _) = super::session::require_operator().await?;
    convert::options(&state).await
}

/// 检查模板 + 预览: what is known about the template, the reconciliation and sample messages.
#[server(prefix = "/api", endpoint = "campaigns/preview", input = Json)]
pub async fn preview_campaign(form: CampaignForm) -> Result<PreviewView, AppError> {
    let (state, _, _) = super::session::require_operator().await?;
    let (input, sandbox) = state.campaign_input(&form).await?;
    let draft = engine::campaigns::Campaign::draft(&input, sandbox);
    let note = state.template_note(&draft).await;
    let (r, samples) = engine::campaigns::preview(&state.segments, &state.db, &draft, 5).await?;
    let (window, hold_note) = state.window_note(&draft).await?;
    Ok(PreviewView {
        members: r.members,
        no_phone: r.no_phone,
        invalid_phone: r.invalid_phone,
        duplicate_phone: r.duplicate_phone,
        missing_values: r.missing_values,
        suppressed: r.suppressed,
        capped: r.capped,
        no_consent: r.no_consent,
        window,
        hold_note,
        messages: r.messages,
        units: r.units,
        samples: samples.into_iter().map(|s| (s.phone_masked, s.text, s.chars, s.units)).collect(),
        template_note: note,
    })
}

/// 测试发送: the campaign's message, with the values of the first member who would receive it
/// (or the fallbacks), to the phones typed in the form — through the campaign's vendor.
#[server(prefix = "/api", endpoint = "campaigns/test-send", input = Json)]
pub async fn test_send_campaign(form: CampaignForm, phones: String) -> Result<crate::dto::TestSendResult, AppError> {
    use engine::campaigns::dispatch::Providers;
    let (state, account, _) = super::session::require_operator().await?;
    let (input, sandbox) = state.campaign_input(&form).await?;
    let (ok, invalid) = super::phones::parse(&phones);
    super::phones::check_test_send(&ok, &invalid, None)?;
    let draft = engine::campaigns::Campaign::draft(&input, sandbox);
    let values = state.sample_values(&draft).await?;
    let provider = state.accounts().provider(&draft).await?;
    let messages =
        ok.iter().map(|p| engine::provider::OutMessage { phone: p.clone(), values: values.clone() }).collect();
    let batch = engine::provider::Batch {
        signature: draft.signature.clone(),
        content: draft.content.clone(),
        messages,
        uid: None,
    };
    let sent = provider.submit(&batch).await?;
    tracing::info!(user = %account.username, phones = ok.len(), sandbox, "campaign test send");
    let masked: Vec<String> = ok.iter().map(|p| engine::phone::mask(p)).collect();
    super::session::audit(&state, &account.username, "vendor_test_send", &form.name, &masked.join(" ")).await?;
    Ok(crate::dto::TestSendResult {
        sandbox,
        endpoint: sent.endpoint,
        msg_id: sent.msg_id,
        sent_to: ok.iter().map(|p| engine::phone::mask(p)).collect(),
        invalid,
    })
}

/// Saves the campaign (draft, or scheduled when a time is given); `start_now` also starts it.
#[server(prefix = "/api", endpoint = "campaigns/create", input = Json)]
pub async fn create_campaign(form: CampaignForm, start_now: bool, key: String) -> Result<i64, AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let c = state.create_campaign(&form, &account.username).await?;
    let target = format!("活动 #{} {}", c.id, c.name);
    super::session::audit(&state, &account.username, "campaign_create", &target, "").await?;
    if start_now && c.scheduled_at.is_none() {
        state.start_campaign(c.id, &key).await?;
        super::session::audit(&state, &account.username, "campaign_start", &target, "").await?;
    }
    Ok(c.id)
}

/// Starts a draft. The key makes double clicks and second tabs start one send.
#[server(prefix = "/api", endpoint = "campaigns/start", input = Json)]
pub async fn start_campaign(id: i64, key: String) -> Result<(), AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    state.start_campaign(id, &key).await?;
    tracing::info!(user = %account.username, campaign = id, "campaign started");
    super::session::audit(&state, &account.username, "campaign_start", &format!("活动 #{id}"), "").await?;
    Ok(())
}

/// `action`: `pause`, `resume` or `cancel`.
#[server(prefix = "/api", endpoint = "campaigns/control", input = Json)]
pub async fn control_campaign(id: i64, action: String) -> Result<(), AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    state.control_campaign(id, engine::campaigns::Control::parse(&action)?).await?;
    tracing::info!(user = %account.username, campaign = id, action = %action, "campaign control");
    let audited = format!("campaign_{action}");
    super::session::audit(&state, &account.username, &audited, &format!("活动 #{id}"), "").await
}

#[server(prefix = "/api", endpoint = "campaigns/list", input = Json)]
pub async fn list_campaigns() -> Result<Vec<CampaignRow>, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let mut out = Vec::new();
    for c in engine::campaigns::list(&state.db).await? {
        let p = engine::campaigns::progress(&state.db, c.id).await?;
        out.push(convert::row(&state.db, &c, &p));
    }
    Ok(out)
}

#[server(prefix = "/api", endpoint = "campaigns/get", input = Json)]
pub async fn get_campaign(id: i64) -> Result<CampaignDetail, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let c = engine::campaigns::get(&state.db, id).await?.ok_or_else(|| AppError::NotFound.with_status())?;
    let p = engine::campaigns::progress(&state.db, id).await?;
    convert::detail(&state, &c, &p).await
}

#[cfg(feature = "ssr")]
mod convert;
