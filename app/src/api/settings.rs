//! 短信配置: phone attribute and vendor cards. Responses carry `has_*` flags, never secrets.

use crate::dto::SmsSettings;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/sms", input = Json)]
pub async fn get_sms_settings() -> Result<SmsSettings, AppError> {
    let (state, account, _) = super::session::require_viewer().await?;
    let mut settings = convert::load(&state.db).await?;
    settings.editable = account.role.allows(engine::auth::Role::Admin);
    Ok(settings)
}

/// The callback URLs to register with the vendors (status reports and replies), built from
/// the address the operator reached this console at and the installation's token.
#[server(prefix = "/api", endpoint = "settings/callbacks", input = Json)]
pub async fn callback_urls() -> Result<crate::dto::CallbackUrls, AppError> {
    let (state, _, _) = super::session::require_admin().await?;
    let token = engine::settings::callback_token(&state.db).await?;
    let headers: http::HeaderMap = leptos_axum::extract().await.unwrap_or_default();
    let host = headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:3000").to_owned();
    let scheme = if state.secure_cookies { "https" } else { "http" };
    let base = format!("{scheme}://{host}");
    Ok(crate::dto::CallbackUrls {
        chuanglan_report: format!("{base}/hooks/chuanglan/{token}/report"),
        chuanglan_mo: format!("{base}/hooks/chuanglan/{token}/mo"),
        aliyun_report: format!("{base}/hooks/aliyun/{token}/report"),
        aliyun_mo: format!("{base}/hooks/aliyun/{token}/mo"),
    })
}

#[server(prefix = "/api", endpoint = "settings/phone-attribute", input = Json)]
pub async fn save_phone_attribute(name: String) -> Result<String, AppError> {
    let (state, account, _) = super::session::require_admin().await?;
    let ip = super::session::client_ip();
    super::sms_config::save_phone_attribute(&state, &super::sms_config::Who { name: &account.username, ip: &ip }, &name)
        .await
}

#[cfg(feature = "ssr")]
pub mod convert {
    use crate::dto::{AliyunCard, ChuanglanCard, ChuanglanOptions, SmsSettings};
    use crate::error::AppError;
    use engine::settings::{self, aliyun, chuanglan};

    /// What a vendor card save changed, for the audit log: never the secret, only whether
    /// it was replaced.
    pub fn card_change(enabled: bool, signature: &str, secret_replaced: bool) -> String {
        let state = if enabled { "开通" } else { "停用" };
        let secret = if secret_replaced { "，已替换密钥" } else { "" };
        format!("{state}，签名 {signature}{secret}")
    }

    pub async fn load(db: &engine::Db) -> Result<SmsSettings, AppError> {
        let phone_attribute = settings::phone_attribute(db).await?;
        // Imported text attributes first (a phone column is text), then the default and current.
        let mut attribute_choices: Vec<String> = engine::users::attribute_types(db)
            .await?
            .into_iter()
            .filter(|(_, t)| *t == engine::users::AttrType::String)
            .map(|(n, _)| n)
            .collect();
        for name in [settings::DEFAULT_PHONE_ATTRIBUTE.to_owned(), phone_attribute.clone()] {
            if !attribute_choices.contains(&name) {
                attribute_choices.push(name);
            }
        }
        Ok(SmsSettings {
            phone_attribute,
            attribute_choices,
            chuanglan: chuanglan(chuanglan::view(db).await?, chuanglan::sandbox(db).await?),
            aliyun: aliyun(aliyun::view(db).await?),
            editable: false,
        })
    }

    pub fn chuanglan(v: chuanglan::View, sandbox: bool) -> ChuanglanCard {
        let saved = v.config.is_some();
        let c = v.config.unwrap_or_else(|| chuanglan::Config {
            signature: String::new(),
            account: String::new(),
            host: chuanglan::DEFAULT_HOST.to_owned(),
            plain_http: false,
            options: chuanglan::Options::default(),
        });
        let host = if c.plain_http { format!("http://{}", c.host) } else { c.host };
        ChuanglanCard {
            enabled: v.enabled,
            signature: c.signature,
            account: c.account,
            host,
            has_password: v.has_password,
            market_account: v.market_account.unwrap_or_default(),
            has_market_password: v.has_market_password,
            saved,
            sandbox,
            options: options_dto(c.options),
        }
    }

    pub fn options_dto(o: chuanglan::Options) -> ChuanglanOptions {
        ChuanglanOptions {
            plain_path: o.plain_path,
            variable_path: o.variable_path,
            template_path: o.template_path,
            template_phones_field: o.template_phones_field,
            template_id_field: o.template_id_field,
            template_params_field: o.template_params_field,
            urlencode_plain_msg: o.urlencode_plain_msg,
            max_len: u32::try_from(o.max_len).unwrap_or(u32::MAX),
        }
    }

    pub fn options_in(o: ChuanglanOptions) -> chuanglan::Options {
        chuanglan::Options {
            plain_path: o.plain_path.trim().to_owned(),
            variable_path: o.variable_path.trim().to_owned(),
            template_path: o.template_path.trim().to_owned(),
            template_phones_field: o.template_phones_field.trim().to_owned(),
            template_id_field: o.template_id_field.trim().to_owned(),
            template_params_field: o.template_params_field.trim().to_owned(),
            urlencode_plain_msg: o.urlencode_plain_msg,
            max_len: o.max_len as usize,
        }
    }

    pub fn aliyun(v: aliyun::View) -> AliyunCard {
        let saved = v.config.is_some();
        let c = v.config.unwrap_or_else(|| aliyun::Config {
            signature: String::new(),
            access_key_id: String::new(),
            endpoint: aliyun::DEFAULT_ENDPOINT.to_owned(),
            plain_http: false,
        });
        let endpoint = if c.plain_http { format!("http://{}", c.endpoint) } else { c.endpoint };
        AliyunCard {
            enabled: v.enabled,
            signature: c.signature,
            access_key_id: c.access_key_id,
            endpoint,
            has_secret: v.has_secret,
            saved,
        }
    }
}
