//! 阿里云 Aliyun Dysmsapi (2017-05-25) RPC client (Aliyun §1–§3): every call is a POST to `/`
//! with the common and operation parameters form-encoded and signed with HMAC-SHA1. Domestic
//! messages use approved templates only (`TemplateCode` + named `${var}` parameters).

pub mod codes;
pub mod query;
pub mod send;
pub mod sign;

pub use query::{SendDetail, SignStatus, TemplateInfo};
pub use send::Provider;

use super::{http_client, json, transport_error, ErrorClass, ProviderError, REQUEST_TIMEOUT};
use crate::settings::aliyun::Credentials;
use serde_json::Value;
use std::collections::BTreeMap;

pub const API_VERSION: &str = "2017-05-25";

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
}

impl Default for Client {
    fn default() -> Self {
        Self { http: http_client(REQUEST_TIMEOUT) }
    }
}

impl Client {
    pub(crate) async fn call(
        &self,
        creds: &Credentials,
        action: &str,
        mut params: BTreeMap<String, String>,
    ) -> Result<Value, ProviderError> {
        sign::add_common(&mut params, action, &creds.config.access_key_id);
        let signature = sign::sign("POST", &params, &creds.access_key_secret);
        params.insert("Signature".to_owned(), signature);
        let response = self
            .http
            .post(format!("{}/", creds.config.base_url()))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(sign::form_body(&params))
            .send()
            .await
            .map_err(|e| transport_error(&e))?;
        let status = response.status().as_u16();
        let bytes = super::read_capped(response).await?;
        let answer: Value = match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(_) if status != 200 => return Err(super::http_status_error(status)),
            Err(_) => return Err(unreadable()),
        };
        // Business errors come as HTTP 200 and gateway errors as 4xx/5xx, both with `Code` (Aliyun §6).
        match json::text(&answer, "Code").as_deref() {
            Some("OK") => Ok(answer),
            Some(code) => Err(codes::classify(code).with_vendor_message(json::text(&answer, "Message"))),
            None if status != 200 => Err(super::http_status_error(status)),
            None => Err(unreadable()),
        }
    }
}

fn unreadable() -> ProviderError {
    ProviderError::new(ErrorClass::Configuration, "bad-response", "阿里云接口返回的内容无法识别，请检查接口地址")
}
