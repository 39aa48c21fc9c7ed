//! `/api/v1/settings/sms` and `/api/v1/vendors/…`: the phone attribute and both vendor cards
//! (admin tokens; reading is for every role, as on 短信配置), 沙箱模式, 测试连接, 检查模板 and
//! 发送测试短信 — the console's use cases (`app::api::sms_config`), audited as `API:<token>`.

use super::caller::Caller;
use super::error::ApiError;
use super::settings_types::{
    AliyunIn, AliyunOut, ChuanglanIn, ChuanglanOut, ConnectionOut, PhoneAttributeIn, PhoneAttributeOut,
    PhoneProblemOut, SandboxIn, SmsSettingsOut, TemplateOut, TestSendIn, TestSendOut,
};
use app::api::sms_config::{self, Who};
use app::dto::{AliyunCard, AliyunForm, ChuanglanCard, ChuanglanForm, TestSendForm, TestSendResult};
use app::state::ServerState;
use axum::extract::{Path, State};
use axum::Json;
use engine::auth::Role;

fn chuanglan_out(c: ChuanglanCard) -> ChuanglanOut {
    ChuanglanOut {
        enabled: c.enabled,
        saved: c.saved,
        sandbox: c.sandbox,
        signature: c.signature,
        account: c.account,
        host: c.host,
        has_password: c.has_password,
        market_account: c.market_account,
        has_market_password: c.has_market_password,
    }
}

fn aliyun_out(c: AliyunCard) -> AliyunOut {
    AliyunOut {
        enabled: c.enabled,
        saved: c.saved,
        signature: c.signature,
        access_key_id: c.access_key_id,
        endpoint: c.endpoint,
        has_secret: c.has_secret,
    }
}

fn test_form(b: TestSendIn) -> TestSendForm {
    TestSendForm {
        kind: b.kind,
        phones: b.phones.join(","),
        content: b.content,
        template_id: b.template_id,
        values: b.values,
    }
}

fn test_out(r: TestSendResult) -> TestSendOut {
    TestSendOut {
        sandbox: r.sandbox,
        endpoint: r.endpoint,
        msg_id: r.msg_id,
        sent_to: r.sent_to,
        invalid: r.invalid.into_iter().map(|p| PhoneProblemOut { input: p.input, reason: p.reason }).collect(),
    }
}

/// The caller as the audit log names it, once authorized for `role`.
fn who(caller: &Caller, role: Role) -> Result<(String, &str), ApiError> {
    caller.require(role)?;
    Ok((caller.actor(), caller.ip.as_str()))
}

/// The phone attribute and both vendor cards; secrets appear only as `has_*` flags.
#[utoipa::path(get, path = "/api/v1/settings/sms", tag = "settings",
    responses((status = 200, body = SmsSettingsOut), (status = 401, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn get_sms_settings(
    State(state): State<ServerState>,
    caller: Caller,
) -> Result<Json<SmsSettingsOut>, ApiError> {
    caller.require(Role::Viewer)?;
    let s = app::api::settings::convert::load(&state.db).await?;
    Ok(Json(SmsSettingsOut {
        phone_attribute: s.phone_attribute,
        attribute_choices: s.attribute_choices,
        chuanglan: chuanglan_out(s.chuanglan),
        aliyun: aliyun_out(s.aliyun),
    }))
}

/// Chooses the attribute holding mobile numbers; the phone lookup is rebuilt at once.
#[utoipa::path(put, path = "/api/v1/settings/phone-attribute", tag = "settings", request_body = PhoneAttributeIn,
    responses((status = 200, body = PhoneAttributeOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn set_phone_attribute(
    State(state): State<ServerState>,
    caller: Caller,
    Json(body): Json<PhoneAttributeIn>,
) -> Result<Json<PhoneAttributeOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    let saved = sms_config::save_phone_attribute(&state, &Who { name: &name, ip }, &body.name).await?;
    Ok(Json(PhoneAttributeOut { phone_attribute: saved }))
}

/// Saves the 创蓝 card (passwords write-only).
#[utoipa::path(put, path = "/api/v1/vendors/chuanglan", tag = "settings", request_body = ChuanglanIn,
    responses((status = 200, body = ChuanglanOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn save_chuanglan(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<ChuanglanIn>,
) -> Result<Json<ChuanglanOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    let form = ChuanglanForm {
        enabled: b.enabled,
        signature: b.signature,
        account: b.account,
        host: b.host,
        password: b.password.unwrap_or_default(),
        market_account: b.market_account,
        market_password: b.market_password.unwrap_or_default(),
        options: None,
    };
    Ok(Json(chuanglan_out(sms_config::save_chuanglan(&state, &Who { name: &name, ip }, form).await?)))
}

/// 沙箱模式 on or off: 创蓝 traffic goes to the built-in simulator (never to the vendor) or back.
#[utoipa::path(put, path = "/api/v1/vendors/chuanglan/sandbox", tag = "settings", request_body = SandboxIn,
    responses((status = 200, body = ChuanglanOut), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn set_chuanglan_sandbox(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<SandboxIn>,
) -> Result<Json<ChuanglanOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    Ok(Json(chuanglan_out(sms_config::set_chuanglan_sandbox(&state, &Who { name: &name, ip }, b.on).await?)))
}

/// 测试连接 for 创蓝: the balance query (Chuanglan §6) with the saved card or the sandbox.
#[utoipa::path(post, path = "/api/v1/vendors/chuanglan/test", tag = "settings",
    responses((status = 200, body = ConnectionOut), (status = 400, body = super::error::ErrorBody),
        (status = 502, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn test_chuanglan(State(state): State<ServerState>, caller: Caller) -> Result<Json<ConnectionOut>, ApiError> {
    caller.require(Role::Admin)?;
    Ok(Json(ConnectionOut { message: sms_config::test_chuanglan(&state).await?.message }))
}

/// 发送测试短信 through 创蓝 (or the sandbox) to up to 20 phones.
#[utoipa::path(post, path = "/api/v1/vendors/chuanglan/test-send", tag = "settings", request_body = TestSendIn,
    responses((status = 200, body = TestSendOut), (status = 422, body = super::error::ErrorBody),
        (status = 502, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn test_send_chuanglan(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<TestSendIn>,
) -> Result<Json<TestSendOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    Ok(Json(test_out(sms_config::test_send_chuanglan(&state, &Who { name: &name, ip }, &test_form(b)).await?)))
}

/// Saves the 阿里云 card (AccessKey secret write-only).
#[utoipa::path(put, path = "/api/v1/vendors/aliyun", tag = "settings", request_body = AliyunIn,
    responses((status = 200, body = AliyunOut), (status = 422, body = super::error::ErrorBody),
        (status = 401, body = super::error::ErrorBody), (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn save_aliyun(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<AliyunIn>,
) -> Result<Json<AliyunOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    let form = AliyunForm {
        enabled: b.enabled,
        signature: b.signature,
        access_key_id: b.access_key_id,
        access_key_secret: b.access_key_secret.unwrap_or_default(),
        endpoint: b.endpoint,
    };
    Ok(Json(aliyun_out(sms_config::save_aliyun(&state, &Who { name: &name, ip }, form).await?)))
}

/// 测试连接 for 阿里云: QuerySmsSign (Aliyun §5.5), read-only and free.
#[utoipa::path(post, path = "/api/v1/vendors/aliyun/test", tag = "settings",
    responses((status = 200, body = ConnectionOut), (status = 400, body = super::error::ErrorBody),
        (status = 502, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn test_aliyun(State(state): State<ServerState>, caller: Caller) -> Result<Json<ConnectionOut>, ApiError> {
    caller.require(Role::Admin)?;
    Ok(Json(ConnectionOut { message: sms_config::test_aliyun(&state).await?.message }))
}

/// 检查模板: an Aliyun TemplateCode's review state and parameters.
#[utoipa::path(get, path = "/api/v1/vendors/aliyun/templates/{code}", tag = "settings", params(("code" = String, Path)),
    responses((status = 200, body = TemplateOut), (status = 400, body = super::error::ErrorBody),
        (status = 502, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn aliyun_template(
    State(state): State<ServerState>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<TemplateOut>, ApiError> {
    caller.require(Role::Operator)?;
    let t = sms_config::check_aliyun_template(&state, &code).await?;
    Ok(Json(TemplateOut {
        code: t.code,
        name: t.name,
        content: t.content,
        status: t.status,
        approved: t.approved,
        reason: t.reason,
        params: t.params,
    }))
}

/// 发送测试短信 through 阿里云 with an approved template.
#[utoipa::path(post, path = "/api/v1/vendors/aliyun/test-send", tag = "settings", request_body = TestSendIn,
    responses((status = 200, body = TestSendOut), (status = 422, body = super::error::ErrorBody),
        (status = 502, body = super::error::ErrorBody), (status = 401, body = super::error::ErrorBody),
        (status = 403, body = super::error::ErrorBody)),
    security(("token" = [])))]
pub async fn test_send_aliyun(
    State(state): State<ServerState>,
    caller: Caller,
    Json(b): Json<TestSendIn>,
) -> Result<Json<TestSendOut>, ApiError> {
    let (name, ip) = who(&caller, Role::Admin)?;
    Ok(Json(test_out(sms_config::test_send_aliyun(&state, &Who { name: &name, ip }, &test_form(b)).await?)))
}
