//! 短信配置: phone attribute and vendor cards. Responses carry `has_*` flags, never secrets.

use crate::dto::{AliyunForm, ConnectionResult, SmsSettings};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(prefix = "/api", endpoint = "settings/sms", input = Json)]
pub async fn get_sms_settings() -> Result<SmsSettings, AppError> {
    let (state, _, _) = super::session::require_session().await?;
    convert::load(&state.db).await
}

#[server(prefix = "/api", endpoint = "settings/phone-attribute", input = Json)]
pub async fn save_phone_attribute(name: String) -> Result<String, AppError> {
    let (state, account, _) = super::session::require_session().await?;
    let saved = engine::settings::set_phone_attribute(&state.db, &name).await?;
    tracing::info!(user = %account.username, attribute = %saved, "phone attribute changed");
    Ok(saved)
}

#[server(prefix = "/api", endpoint = "settings/aliyun", input = Json)]
pub async fn save_aliyun(form: AliyunForm) -> Result<crate::dto::AliyunCard, AppError> {
    let (state, account, _) = super::session::require_session().await?;
    let input = engine::settings::aliyun::Input {
        enabled: form.enabled,
        signature: form.signature,
        access_key_id: form.access_key_id,
        access_key_secret: Some(form.access_key_secret).filter(|p| !p.is_empty()),
        endpoint: form.endpoint,
    };
    let view = engine::settings::aliyun::save(&state.db, &state.key, &input).await?;
    tracing::info!(user = %account.username, enabled = view.enabled, "aliyun settings saved");
    Ok(convert::aliyun(view))
}

/// 测试连接 for 阿里云: QuerySmsSign (Aliyun §5.5), read-only and free.
#[server(prefix = "/api", endpoint = "settings/aliyun/test", input = Json)]
pub async fn test_aliyun() -> Result<ConnectionResult, AppError> {
    let (state, _, _) = super::session::require_session().await?;
    let Some(creds) = engine::settings::aliyun::credentials(&state.db, &state.key).await? else {
        return Err(AppError::Rejected { message: crate::text::SAVE_BEFORE_TEST.into() }.with_status());
    };
    let sign = state.aliyun.query_sign(&creds).await?;
    let mut message = format!("连接成功，签名“{}”状态：{}", creds.config.signature, sign.label());
    if !sign.reason.is_empty() {
        message.push_str(&format!("（{}）", sign.reason));
    }
    Ok(ConnectionResult { message })
}

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use crate::dto::{AliyunCard, ChuanglanCard, ChuanglanOptions, SmsSettings};
    use crate::error::AppError;
    use engine::settings::{self, aliyun, chuanglan};

    pub async fn load(db: &engine::Db) -> Result<SmsSettings, AppError> {
        let phone_attribute = settings::phone_attribute(db).await?;
        let mut attribute_choices = vec![settings::DEFAULT_PHONE_ATTRIBUTE.to_owned()];
        if !attribute_choices.contains(&phone_attribute) {
            attribute_choices.push(phone_attribute.clone());
        }
        Ok(SmsSettings {
            phone_attribute,
            attribute_choices,
            chuanglan: chuanglan(chuanglan::view(db).await?, chuanglan::sandbox(db).await?),
            aliyun: aliyun(aliyun::view(db).await?),
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
