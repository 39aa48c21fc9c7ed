//! The 创蓝 card: save, sandbox switch, 测试连接 and 发送测试短信 (use cases in `sms_config`).

use crate::dto::{ChuanglanCard, ChuanglanForm, ConnectionResult, TestSendForm, TestSendResult};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/chuanglan", input = Json)]
pub async fn save_chuanglan(form: ChuanglanForm) -> Result<ChuanglanCard, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::save_chuanglan(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, form).await
}

/// 沙箱模式: route 创蓝 traffic to the built-in simulator (or back to the vendor).
#[server(prefix = "/api", endpoint = "settings/chuanglan/sandbox", input = Json)]
pub async fn set_chuanglan_sandbox(on: bool) -> Result<ChuanglanCard, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::set_chuanglan_sandbox(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, on)
        .await
}

/// 测试连接: the balance query (Chuanglan §6) with the saved configuration or the sandbox.
#[server(prefix = "/api", endpoint = "settings/chuanglan/test", input = Json)]
pub async fn test_chuanglan() -> Result<ConnectionResult, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    super::sms_config::test_chuanglan(&state).await
}

/// 发送测试短信 to a few typed phones; invalid phones are reported one by one.
#[server(prefix = "/api", endpoint = "settings/chuanglan/test-send", input = Json)]
pub async fn test_send_chuanglan(form: TestSendForm) -> Result<TestSendResult, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::test_send_chuanglan(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, &form)
        .await
}
