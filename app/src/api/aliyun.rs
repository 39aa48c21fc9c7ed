//! The 阿里云 card: save, 测试连接, 检查模板 and 发送测试短信.

use crate::dto::{AliyunCard, AliyunForm, ConnectionResult, TemplateCheck, TestSendForm, TestSendResult};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/aliyun", input = Json)]
pub async fn save_aliyun(form: AliyunForm) -> Result<AliyunCard, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let input = engine::settings::aliyun::Input {
        enabled: form.enabled,
        signature: form.signature,
        access_key_id: form.access_key_id,
        access_key_secret: Some(form.access_key_secret).filter(|p| !p.is_empty()),
        endpoint: form.endpoint,
    };
    let view = engine::settings::aliyun::save(&state.db, &state.key, &input).await?;
    tracing::info!(user = %account.username, enabled = view.enabled, "aliyun settings saved");
    let detail = super::settings::convert::card_change(
        view.enabled,
        view.config.as_ref().map_or("", |c| c.signature.as_str()),
        input.access_key_secret.is_some(),
    );
    super::session::audit(&state, &account.username, "settings_aliyun", "阿里云", &detail).await?;
    Ok(super::settings::convert::aliyun(view))
}

/// 测试连接: QuerySmsSign (Aliyun §5.5), read-only and free.
#[server(prefix = "/api", endpoint = "settings/aliyun/test", input = Json)]
pub async fn test_aliyun() -> Result<ConnectionResult, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    let creds = server::credentials(&state).await?;
    let sign = state.aliyun.query_sign(&creds).await?;
    let mut message = format!("连接成功，签名“{}”状态：{}", creds.config.signature, sign.label());
    if !sign.reason.is_empty() {
        message.push_str(&format!("（{}）", sign.reason));
    }
    Ok(ConnectionResult { message })
}

/// 检查模板: QuerySmsTemplate (Aliyun §5.4) — approval status and `${…}` parameters.
#[server(prefix = "/api", endpoint = "settings/aliyun/template", input = Json)]
pub async fn check_aliyun_template(code: String) -> Result<TemplateCheck, AppError> {
    let (state, _, _) = super::session::require_operator().await?;
    let code = code.trim().to_owned();
    if code.is_empty() {
        return Err(AppError::field("template_code", "请填写模板 CODE，例如 SMS_465000001").with_status());
    }
    let creds = server::credentials(&state).await?;
    let t = state.aliyun.query_template(&creds, &code).await?;
    Ok(TemplateCheck {
        params: t.params(),
        approved: t.approved(),
        status: t.label().to_owned(),
        code: t.code,
        name: t.name,
        content: t.content,
        reason: t.reason,
    })
}

/// 发送测试短信 with a TemplateCode; values fill the template's parameters in order.
#[server(prefix = "/api", endpoint = "settings/aliyun/test-send", input = Json)]
pub async fn test_send_aliyun(form: TestSendForm) -> Result<TestSendResult, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let creds = server::credentials(&state).await?;
    let code = form.template_id.trim();
    if code.is_empty() {
        return Err(AppError::field("template_code", "请填写模板 CODE").with_status());
    }
    let template = state.aliyun.query_template(&creds, code).await?;
    if !template.approved() {
        let message = format!("模板 {code} 状态为“{}”，审核通过后才能发送", template.label());
        return Err(AppError::field("template_code", message).with_status());
    }
    let (phones, invalid) = super::phones::parse(&form.phones);
    let params = template.params();
    super::phones::check_test_send(
        &phones,
        &invalid,
        (params.len() != form.values.len())
            .then(|| format!("模板有 {} 个参数（{}），请按顺序填写", params.len(), params.join("、"))),
    )?;
    let values: Vec<String> = form.values.iter().map(|v| v.trim().to_owned()).collect();
    let messages =
        phones.into_iter().map(|phone| engine::provider::OutMessage { phone, values: values.clone() }).collect();
    let content = engine::provider::Content::Template { id: code.to_owned(), params };
    let uid = Some(format!("test-{}", engine::clock::now()));
    let batch = engine::provider::Batch { signature: creds.config.signature.clone(), content, messages, uid };
    let sent = state.aliyun.submit(&creds, &batch).await?;
    let sent_to: Vec<String> = batch.messages.iter().map(|m| engine::phone::mask(&m.phone)).collect();
    tracing::info!(user = %account.username, action = %sent.endpoint, biz_id = %sent.msg_id, phones = ?sent_to, "aliyun test SMS submitted");
    super::session::audit(&state, &account.username, "vendor_test_send", "阿里云", &sent_to.join(" ")).await?;
    Ok(TestSendResult { sandbox: false, endpoint: sent.endpoint, msg_id: sent.msg_id, sent_to, invalid })
}

#[cfg(feature = "ssr")]
mod server {
    use crate::error::AppError;
    use crate::state::ServerState;
    use engine::settings::aliyun::{self, Credentials};

    pub async fn credentials(state: &ServerState) -> Result<Credentials, AppError> {
        aliyun::credentials(&state.db, &state.key)
            .await?
            .ok_or_else(|| AppError::Rejected { message: crate::text::SAVE_BEFORE_TEST.into() }.with_status())
    }
}
