//! 短信配置 use cases (server only): the phone attribute and both vendor cards — save,
//! 沙箱模式, 测试连接, 检查模板 and 发送测试短信. The console's server functions and the REST
//! API both call these after their own authorization; `Who` names the caller in the audit log.

use crate::dto::{
    AliyunCard, AliyunForm, ChuanglanCard, ChuanglanForm, ConnectionResult, TemplateCheck, TestSendForm, TestSendResult,
};
use crate::error::AppError;
use crate::state::ServerState;

/// Who acts, for the audit log: a console user name or `API:<token name>`, and the client address.
pub struct Who<'a> {
    pub name: &'a str,
    pub ip: &'a str,
}

impl Who<'_> {
    async fn audit(&self, state: &ServerState, action: &str, target: &str, detail: &str) -> Result<(), AppError> {
        let r = engine::audit::Record { actor: self.name, action, target, detail, ip: self.ip };
        engine::audit::record(&state.db, r).await.map_err(|e| AppError::internal(&e))
    }
}

/// Sets the attribute holding phones and rebuilds the phone lookup; returns the saved name.
pub async fn save_phone_attribute(state: &ServerState, who: &Who<'_>, name: &str) -> Result<String, AppError> {
    let saved = engine::settings::set_phone_attribute(&state.db, name).await?;
    let phones = engine::users::refresh_phones(&state.db, &saved).await?;
    state.users_changed();
    tracing::info!(user = %who.name, attribute = %saved, phones, "phone attribute changed");
    who.audit(state, "settings_phone_attribute", &saved, &format!("{phones} 个有效号码")).await?;
    Ok(saved)
}

pub async fn save_chuanglan(
    state: &ServerState,
    who: &Who<'_>,
    form: ChuanglanForm,
) -> Result<ChuanglanCard, AppError> {
    use super::settings::convert;
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
    tracing::info!(user = %who.name, enabled = view.enabled, "chuanglan settings saved");
    let detail = convert::card_change(
        view.enabled,
        view.config.as_ref().map_or("", |c| c.signature.as_str()),
        input.password.is_some() || input.market_password.is_some(),
    );
    who.audit(state, "settings_chuanglan", "创蓝", &detail).await?;
    Ok(convert::chuanglan(view, engine::settings::chuanglan::sandbox(&state.db).await?))
}

/// 沙箱模式: route 创蓝 traffic to the built-in simulator (or back to the vendor).
pub async fn set_chuanglan_sandbox(state: &ServerState, who: &Who<'_>, on: bool) -> Result<ChuanglanCard, AppError> {
    engine::settings::chuanglan::set_sandbox(&state.db, on).await?;
    tracing::info!(user = %who.name, sandbox = on, "chuanglan sandbox switched");
    who.audit(state, "settings_chuanglan_sandbox", "创蓝", if on { "开启沙箱" } else { "关闭沙箱" }).await?;
    Ok(super::settings::convert::chuanglan(engine::settings::chuanglan::view(&state.db).await?, on))
}

/// 测试连接: the balance query (Chuanglan §6) with the saved configuration or the sandbox.
pub async fn test_chuanglan(state: &ServerState) -> Result<ConnectionResult, AppError> {
    let (creds, sandbox) = chuanglan_target::resolve(state, engine::compliance::MessageKind::Notification).await?;
    let balance = state.chuanglan.balance(&creds).await?;
    let prefix = if sandbox { "（沙箱）" } else { "" };
    Ok(ConnectionResult { message: format!("{prefix}连接成功，账户剩余短信条数：{balance}") })
}

/// 发送测试短信 through 创蓝 to a few typed phones; invalid phones are reported one by one.
pub async fn test_send_chuanglan(
    state: &ServerState,
    who: &Who<'_>,
    form: &TestSendForm,
) -> Result<TestSendResult, AppError> {
    let kind =
        engine::compliance::MessageKind::parse(&form.kind).unwrap_or(engine::compliance::MessageKind::Notification);
    let (creds, sandbox) = chuanglan_target::resolve(state, kind).await?;
    let (batch, invalid) = chuanglan_target::test_batch(&creds, form, kind)?;
    let sent = state.chuanglan.submit(&creds, &batch).await?;
    let sent_to: Vec<String> = batch.messages.iter().map(|m| engine::phone::mask(&m.phone)).collect();
    tracing::info!(user = %who.name, sandbox, endpoint = %sent.endpoint, msg_id = %sent.msg_id,
        phones = ?sent_to, "test SMS submitted");
    who.audit(state, "vendor_test_send", "创蓝", &sent_to.join(" ")).await?;
    Ok(TestSendResult { sandbox, endpoint: sent.endpoint, msg_id: sent.msg_id, sent_to, invalid })
}

pub async fn save_aliyun(state: &ServerState, who: &Who<'_>, form: AliyunForm) -> Result<AliyunCard, AppError> {
    let input = engine::settings::aliyun::Input {
        enabled: form.enabled,
        signature: form.signature,
        access_key_id: form.access_key_id,
        access_key_secret: Some(form.access_key_secret).filter(|p| !p.is_empty()),
        endpoint: form.endpoint,
    };
    let view = engine::settings::aliyun::save(&state.db, &state.key, &input).await?;
    tracing::info!(user = %who.name, enabled = view.enabled, "aliyun settings saved");
    let detail = super::settings::convert::card_change(
        view.enabled,
        view.config.as_ref().map_or("", |c| c.signature.as_str()),
        input.access_key_secret.is_some(),
    );
    who.audit(state, "settings_aliyun", "阿里云", &detail).await?;
    Ok(super::settings::convert::aliyun(view))
}

/// 测试连接: QuerySmsSign (Aliyun §5.5), read-only and free.
pub async fn test_aliyun(state: &ServerState) -> Result<ConnectionResult, AppError> {
    let creds = aliyun_credentials(state).await?;
    let sign = state.aliyun.query_sign(&creds).await?;
    let mut message = format!("连接成功，签名“{}”状态：{}", creds.config.signature, sign.label());
    if !sign.reason.is_empty() {
        message.push_str(&format!("（{}）", sign.reason));
    }
    Ok(ConnectionResult { message })
}

/// 检查模板: QuerySmsTemplate (Aliyun §5.4) — approval status and `${…}` parameters.
pub async fn check_aliyun_template(state: &ServerState, code: &str) -> Result<TemplateCheck, AppError> {
    let code = code.trim();
    if code.is_empty() {
        return Err(AppError::field("template_code", "请填写模板 CODE，例如 SMS_465000001").with_status());
    }
    let creds = aliyun_credentials(state).await?;
    let t = state.aliyun.query_template(&creds, code).await?;
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

/// 发送测试短信 with an approved TemplateCode; values fill the template's parameters in order.
pub async fn test_send_aliyun(
    state: &ServerState,
    who: &Who<'_>,
    form: &TestSendForm,
) -> Result<TestSendResult, AppError> {
    let creds = aliyun_credentials(state).await?;
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
    tracing::info!(user = %who.name, action = %sent.endpoint, biz_id = %sent.msg_id, phones = ?sent_to,
        "aliyun test SMS submitted");
    who.audit(state, "vendor_test_send", "阿里云", &sent_to.join(" ")).await?;
    Ok(TestSendResult { sandbox: false, endpoint: sent.endpoint, msg_id: sent.msg_id, sent_to, invalid })
}

async fn aliyun_credentials(state: &ServerState) -> Result<engine::settings::aliyun::Credentials, AppError> {
    engine::settings::aliyun::credentials(&state.db, &state.key)
        .await?
        .ok_or_else(|| AppError::Rejected { message: crate::text::SAVE_BEFORE_TEST.into() }.with_status())
}

mod chuanglan_target {
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
