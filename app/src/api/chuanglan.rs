//! The 创蓝 card: save, sandbox switch, 测试连接 and 发送测试短信.

use crate::dto::{ChuanglanCard, ChuanglanForm, ConnectionResult, TestSendForm, TestSendResult};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/chuanglan", input = Json)]
pub async fn save_chuanglan(form: ChuanglanForm) -> Result<ChuanglanCard, AppError> {
    use super::settings::convert;
    let (state, account, _) = super::session::require_admin().await?;
    let input = engine::settings::chuanglan::Input {
        enabled: form.enabled,
        signature: form.signature,
        account: form.account,
        host: form.host,
        password: Some(form.password).filter(|p| !p.is_empty()),
        market_account: form.market_account,
        market_password: Some(form.market_password).filter(|p| !p.is_empty()),
        options: form.options.map(convert::options_in),
    };
    let view = engine::settings::chuanglan::save(&state.db, &state.key, &input).await?;
    tracing::info!(user = %account.username, enabled = view.enabled, "chuanglan settings saved");
    let detail = convert::card_change(
        view.enabled,
        view.config.as_ref().map_or("", |c| c.signature.as_str()),
        input.password.is_some() || input.market_password.is_some(),
    );
    super::session::audit(&state, &account.username, "settings_chuanglan", "创蓝", &detail).await?;
    Ok(convert::chuanglan(view, engine::settings::chuanglan::sandbox(&state.db).await?))
}

/// 沙箱模式: route 创蓝 traffic to the built-in simulator (or back to the vendor).
#[server(prefix = "/api", endpoint = "settings/chuanglan/sandbox", input = Json)]
pub async fn set_chuanglan_sandbox(on: bool) -> Result<ChuanglanCard, AppError> {
    use super::settings::convert;
    let (state, account, _) = super::session::require_admin().await?;
    engine::settings::chuanglan::set_sandbox(&state.db, on).await?;
    tracing::info!(user = %account.username, sandbox = on, "chuanglan sandbox switched");
    let detail = if on { "开启沙箱" } else { "关闭沙箱" };
    super::session::audit(&state, &account.username, "settings_chuanglan_sandbox", "创蓝", detail).await?;
    Ok(convert::chuanglan(engine::settings::chuanglan::view(&state.db).await?, on))
}

/// 测试连接: the balance query (Chuanglan §6) with the saved configuration or the sandbox.
#[server(prefix = "/api", endpoint = "settings/chuanglan/test", input = Json)]
pub async fn test_chuanglan() -> Result<ConnectionResult, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    let (creds, sandbox) = target::resolve(&state, engine::compliance::MessageKind::Notification).await?;
    let balance = state.chuanglan.balance(&creds).await?;
    let prefix = if sandbox { "（沙箱）" } else { "" };
    Ok(ConnectionResult { message: format!("{prefix}连接成功，账户剩余短信条数：{balance}") })
}

/// 发送测试短信 to a few typed phones; invalid phones are reported one by one.
#[server(prefix = "/api", endpoint = "settings/chuanglan/test-send", input = Json)]
pub async fn test_send_chuanglan(form: TestSendForm) -> Result<TestSendResult, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let kind =
        engine::compliance::MessageKind::parse(&form.kind).unwrap_or(engine::compliance::MessageKind::Notification);
    let (creds, sandbox) = target::resolve(&state, kind).await?;
    let (batch, invalid) = target::test_batch(&creds, &form, kind)?;
    let sent = state.chuanglan.submit(&creds, &batch).await?;
    let sent_to: Vec<String> = batch.messages.iter().map(|m| engine::phone::mask(&m.phone)).collect();
    tracing::info!(user = %account.username, sandbox, endpoint = %sent.endpoint, msg_id = %sent.msg_id,
        phones = ?sent_to, "test SMS submitted");
    super::session::audit(&state, &account.username, "vendor_test_send", "创蓝", &sent_to.join(" ")).await?;
    Ok(TestSendResult { sandbox, endpoint: sent.endpoint, msg_id: sent.msg_id, sent_to, invalid })
}

#[cfg(feature = "ssr")]
mod target {
    use crate::dto::{PhoneProblem, TestSendForm};
    use crate::error::AppError;
    use crate::state::ServerState;
    use engine::compliance::MessageKind;
    use engine::provider::{Batch, Content, OutMessage};
    use engine::settings::chuanglan::{self, Credentials};

    const SANDBOX_SIGNATURE: &str = "沙箱测试";

    /// The stored account for `kind`, or the built-in simulator when 沙箱模式 is on.
    pub async fn resolve(state: &ServerState, kind: MessageKind) -> Result<(Credentials, bool), AppError> {
        let stored = chuanglan::view(&state.db).await?.config;
        if chuanglan::sandbox(&state.db).await? {
            let (signature, options) = stored
                .map(|c| (c.signature, c.options))
                .unwrap_or_else(|| (SANDBOX_SIGNATURE.to_owned(), chuanglan::Options::default()));
            let mut creds = engine::sandbox::credentials(state.sandbox.as_ref(), &signature, kind);
            creds.config.options = options;
            return Ok((creds, true));
        }
        match chuanglan::credentials_for(&state.db, &state.key, kind).await? {
            Some(creds) => Ok((creds, false)),
            None if kind == MessageKind::Marketing => Err(AppError::Rejected {
                message: "营销短信须通过创蓝营销账号发送：请先填写并保存营销账号和密码".into(),
            }
            .with_status()),
            None => Err(AppError::Rejected { message: crate::text::SAVE_BEFORE_TEST.into() }.with_status()),
        }
    }

    /// Parses the form into a batch of valid phones plus the phones that were refused.
    pub fn test_batch(
        creds: &Credentials,
        form: &TestSendForm,
        kind: MessageKind,
    ) -> Result<(Batch, Vec<PhoneProblem>), AppError> {
        let (phones, invalid) = crate::api::phones::parse(&form.phones);
        let template_id = form.template_id.trim();
        let (content, values_problem) = if template_id.is_empty() {
            let slots = engine::sms::slot_count(&form.content);
            let bad = form.values.len() != slots || form.values.iter().any(|v| v.trim().is_empty());
            (
                Content::Text(form.content.trim().to_owned()),
                bad.then(|| format!("内容中有 {slots} 个 {{$var}}，请逐个填写变量值")),
            )
        } else {
            let params = (1..=form.values.len()).map(|i| format!("param{i}")).collect();
            (Content::Template { id: template_id.to_owned(), params }, None)
        };
        if template_id.is_empty() && form.content.trim().is_empty() {
            let errors =
                vec![crate::dto::FieldError { field: "test_content".into(), message: "请填写短信内容".into() }];
            return Err(AppError::Validation { errors }.with_status());
        }
        if template_id.is_empty() {
            if let Some(m) = engine::compliance::content_errors(kind, form.content.trim()).into_iter().next() {
                return Err(AppError::field("test_content", m).with_status());
            }
        }
        crate::api::phones::check_test_send(&phones, &invalid, values_problem)?;
        let values: Vec<String> = form.values.iter().map(|v| v.trim().to_owned()).collect();
        let messages = phones.into_iter().map(|phone| OutMessage { phone, values: values.clone() }).collect();
        let uid = Some(format!("test-{}", engine::clock::now()));
        Ok((Batch { signature: creds.config.signature.clone(), content, messages, uid }, invalid))
    }
}
