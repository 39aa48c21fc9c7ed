//! SendSms (§5.1: same parameters to ≤ 1000 phones) and SendBatchSms (§5.2: per-phone
//! parameters, ≤ 100 phones). The client picks SendSms when every recipient has the same
//! values and SendBatchSms otherwise.

use super::{Client, Credentials};
use crate::provider::{json, Batch, Content, ErrorClass, ProviderError, Report, SmsProvider, Submitted};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub const SEND_SMS_MAX: usize = 1000;
pub const SEND_BATCH_MAX: usize = 100;

/// The operation and its parameters for a batch.
pub fn build(creds: &Credentials, batch: &Batch) -> Result<(&'static str, BTreeMap<String, String>), ProviderError> {
    let Content::Template { id, params } = &batch.content else {
        return Err(ProviderError::new(
            ErrorClass::Permanent,
            "template-required",
            "阿里云国内短信只能使用审核通过的模板（TemplateCode），不能发送自定义内容",
        ));
    };
    let n = batch.messages.len();
    let uniform = batch.messages.windows(2).all(|w| w[0].values == w[1].values);
    let limit = if uniform { SEND_SMS_MAX } else { SEND_BATCH_MAX };
    if n == 0 || n > limit {
        return Err(ProviderError::new(
            ErrorClass::Permanent,
            "isv.MOBILE_COUNT_OVER_LIMIT",
            format!("每次提交需 1–{limit} 个号码，当前 {n} 个"),
        ));
    }
    let objects: Vec<Value> =
        batch.messages.iter().map(|m| param_object(params, &m.values)).collect::<Result<_, _>>()?;
    let mut p = BTreeMap::new();
    p.insert("TemplateCode".to_owned(), id.clone());
    if let Some(uid) = &batch.uid {
        p.insert("OutId".to_owned(), uid.clone());
    }
    let phones: Vec<&str> = batch.messages.iter().map(|m| m.phone.as_str()).collect();
    if uniform {
        p.insert("PhoneNumbers".to_owned(), phones.join(","));
        p.insert("SignName".to_owned(), creds.config.signature.clone());
        if !params.is_empty() {
            p.insert("TemplateParam".to_owned(), objects[0].to_string());
        }
        return Ok(("SendSms", p));
    }
    let signs: Vec<&str> = vec![creds.config.signature.as_str(); n];
    p.insert("PhoneNumberJson".to_owned(), Value::from(phones).to_string());
    p.insert("SignNameJson".to_owned(), Value::from(signs).to_string());
    p.insert("TemplateParamJson".to_owned(), Value::Array(objects).to_string());
    Ok(("SendBatchSms", p))
}

/// `{"name":"value",…}` with string values only (`isv.INVALID_JSON_PARAM` otherwise, §5.1).
fn param_object(names: &[String], values: &[String]) -> Result<Value, ProviderError> {
    if names.len() != values.len() {
        return Err(ProviderError::new(
            ErrorClass::Permanent,
            "isv.TEMPLATE_MISSING_PARAMETERS",
            format!("模板有 {} 个参数，提供了 {} 个值", names.len(), values.len()),
        ));
    }
    let map: Map<String, Value> = names.iter().cloned().zip(values.iter().map(|v| Value::from(v.as_str()))).collect();
    Ok(Value::Object(map))
}

impl Client {
    pub async fn submit(&self, creds: &Credentials, batch: &Batch) -> Result<Submitted, ProviderError> {
        let (action, params) = build(creds, batch)?;
        let answer = self.call(creds, action, params).await?;
        Ok(Submitted {
            endpoint: action.to_owned(),
            msg_id: json::text(&answer, "BizId").unwrap_or_default(),
            accepted: batch.messages.len() as u32,
            failed: 0,
        })
    }
}

/// An Aliyun account bound to the shared client.
#[derive(Clone)]
pub struct Provider {
    pub client: Client,
    pub creds: Credentials,
}

#[async_trait::async_trait]
impl SmsProvider for Provider {
    async fn submit(&self, batch: &Batch) -> Result<Submitted, ProviderError> {
        self.client.submit(&self.creds, batch).await
    }

    /// Aliyun has no report queue to drain; receipts come from QuerySendDetails per phone
    /// (§5.3) or the SmsReport push (§7).
    async fn pull_reports(&self) -> Result<Vec<Report>, ProviderError> {
        Ok(Vec::new())
    }

    /// QuerySendDetails per waiting message (PhoneNumber + BizId + SendDate, §5.3); records in
    /// state 2 (failed) or 3 (delivered) become reports keyed by the BizId. The push (§7) is the
    /// bulk path; this is the fallback the receipt loop runs for a bounded number per tick.
    async fn query_reports(&self, waiting: &[crate::provider::Waiting]) -> Result<Vec<Report>, ProviderError> {
        let fmt = time::macros::format_description!("[year][month][day]");
        let mut out = Vec::new();
        for w in waiting {
            let day = time::OffsetDateTime::from_unix_timestamp(w.submitted_at)
                .map(|t| t.to_offset(crate::clock::shanghai()))
                .ok()
                .and_then(|t| t.format(&fmt).ok())
                .unwrap_or_default();
            let (_, rows) = self.client.query_send_details(&self.creds, &w.phone, &day, Some(&w.msg_id), 1).await?;
            for r in rows.into_iter().filter(|r| r.send_status == 2 || r.send_status == 3) {
                let status = match (r.send_status, r.err_code.trim()) {
                    (3, _) => "DELIVERED".to_owned(),
                    (_, "") => "FAILED".to_owned(),
                    (_, code) => code.to_owned(),
                };
                out.push(Report {
                    msg_id: w.msg_id.clone(),
                    phone: r.phone,
                    status,
                    status_desc: String::new(),
                    report_time: r.receive_date,
                    notify_time: r.send_date,
                    uid: Some(r.out_id).filter(|o| !o.is_empty()),
                    length: None,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
