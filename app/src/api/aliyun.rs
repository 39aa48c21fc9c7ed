//! The 阿里云 card: save, 测试连接, 检查模板 and 发送测试短信 (use cases in `sms_config`).

use crate::dto::{AliyunCard, AliyunForm, ConnectionResult, TemplateCheck, TestSendForm, TestSendResult};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/aliyun", input = Json)]
pub async fn save_aliyun(form: AliyunForm) -> Result<AliyunCard, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::save_aliyun(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, form).await
}

/// 测试连接: QuerySmsSign (Aliyun §5.5), read-only and free.
#[server(prefix = "/api", endpoint = "settings/aliyun/test", input = Json)]
pub async fn test_aliyun() -> Result<ConnectionResult, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    super::sms_config::test_aliyun(&state).await
}

/// 检查模板: QuerySmsTemplate (Aliyun §5.4) — approval status and `${…}` parameters.
#[server(prefix = "/api", endpoint = "settings/aliyun/template", input = Json)]
pub async fn check_aliyun_template(code: String) -> Result<TemplateCheck, AppError> {
    let (state, _, _) = super::session::require_operator().await?;
    super::sms_config::check_aliyun_template(&state, &code).await
}

/// 发送测试短信 with a TemplateCode; values fill the template's parameters in order.
#[server(prefix = "/api", endpoint = "settings/aliyun/test-send", input = Json)]
pub async fn test_send_aliyun(form: TestSendForm) -> Result<TestSendResult, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::test_send_aliyun(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, &form)
        .await
}
