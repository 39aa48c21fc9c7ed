//! Vendor resolution for sending: which client and credentials a campaign goes through — the
//! stored 创蓝 / 阿里云 cards, or the built-in sandbox for sandbox campaigns (one resolver for
//! both, reading each vendor row once per resolution).

use super::dispatch::Providers;
use super::{Campaign, Vendor};
use crate::compliance::MessageKind;
use crate::provider::{aliyun, chuanglan, ErrorClass, ProviderError, SmsProvider};
use crate::sandbox::Sandbox;
use crate::secrets::MasterKey;
use crate::Db;
use std::sync::Arc;

/// Everything a send needs to reach a vendor: the stored settings, the key that opens their
/// secrets, the HTTP clients and the sandbox.
#[derive(Clone)]
pub struct VendorAccounts {
    pub db: Db,
    pub key: MasterKey,
    pub sandbox: Arc<dyn Sandbox>,
    pub chuanglan: chuanglan::Client,
    pub aliyun: aliyun::Client,
}

fn not_ready(vendor: &str) -> ProviderError {
    ProviderError::new(
        ErrorClass::Configuration,
        "not-configured",
        format!("{vendor}未配置或已停用，请在短信配置中开通"),
    )
}

fn settings_error(e: crate::settings::SettingsError) -> ProviderError {
    ProviderError::new(ErrorClass::Configuration, "settings", format!("读取短信配置失败：{e}"))
}

impl VendorAccounts {
    async fn chuanglan(&self, kind: MessageKind) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        let view = crate::settings::chuanglan::view(&self.db).await.map_err(settings_error)?;
        let creds =
            crate::settings::chuanglan::credentials_for(&self.db, &self.key, kind).await.map_err(settings_error)?;
        match (creds.filter(|_| view.enabled), kind) {
            (Some(creds), _) => Ok(Arc::new(chuanglan::Provider { client: self.chuanglan.clone(), creds })),
            (None, MessageKind::Marketing) if view.enabled => Err(ProviderError::new(
                ErrorClass::Configuration,
                "no-market-account",
                "营销短信须通过创蓝营销账号发送：请在短信配置 → 创蓝 253 填写营销账号和密码",
            )),
            (None, _) => Err(not_ready("创蓝")),
        }
    }

    async fn aliyun(&self) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        let view = crate::settings::aliyun::view(&self.db).await.map_err(settings_error)?;
        let creds = crate::settings::aliyun::credentials(&self.db, &self.key).await.map_err(settings_error)?;
        match creds.filter(|_| view.enabled) {
            Some(creds) => Ok(Arc::new(aliyun::Provider { client: self.aliyun.clone(), creds })),
            None => Err(not_ready("阿里云")),
        }
    }
}

#[async_trait::async_trait]
impl Providers for VendorAccounts {
    async fn provider(&self, c: &Campaign) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        match c.vendor {
            Vendor::Chuanglan if c.sandbox => {
                let creds = crate::sandbox::credentials(self.sandbox.as_ref(), &c.signature, c.kind);
                Ok(Arc::new(chuanglan::Provider { client: self.chuanglan.clone(), creds }))
            }
            Vendor::Chuanglan => self.chuanglan(c.kind).await,
            Vendor::Aliyun => self.aliyun().await,
        }
    }
}
