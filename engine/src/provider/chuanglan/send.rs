//! Building the three submit requests and reading their answers.
//! Plain (§4): same text, `phone` comma-separated. Variable (§5): `{$var}` text, `params` =
//! `phone,v1,v2;…`. Template id (§16): `templateId` + one JSON object of values per phone.

use super::super::{json, ErrorClass, ProviderError, Submitted};
use crate::provider::{Batch, Content};
use crate::settings::chuanglan::{Credentials, Options};
use crate::sms;
use serde_json::{json, Map, Value};

/// Most phones (plain, template) or groups (variable) per request (§4.1, §5.1).
pub const MAX_PER_REQUEST: usize = 1000;

/// A request ready to post. Its body holds the account password: `Debug` shows `***` instead.
#[derive(Clone, PartialEq)]
pub struct Request {
    pub path: String,
    pub body: Value,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut shown = self.body.clone();
        if let Some(p) = shown.get_mut("password") {
            *p = Value::String("***".into());
        }
        f.debug_struct("Request").field("path", &self.path).field("body", &shown).finish()
    }
}

/// Checks the batch the way the vendor would and builds the request for its content mode.
pub fn build(creds: &Credentials, batch: &Batch) -> Result<Request, ProviderError> {
    let opts = &creds.config.options;
    if batch.messages.is_empty() || batch.messages.len() > MAX_PER_REQUEST {
        return Err(invalid("108", format!("每次提交需 1–{MAX_PER_REQUEST} 个号码，当前 {} 个", batch.messages.len())));
    }
    let mut body = Map::new();
    body.insert("account".into(), json!(creds.config.account));
    body.insert("password".into(), json!(creds.password));
    body.insert("report".into(), json!("true"));
    if let Some(uid) = &batch.uid {
        body.insert("uid".into(), json!(uid));
    }
    let path = match &batch.content {
        Content::Text(text) if sms::slot_count(text) == 0 => plain(opts, batch, text, &mut body)?,
        Content::Text(text) => variable(opts, batch, text, &mut body)?,
        Content::Template { id, params } => template(opts, batch, id, params, &mut body)?,
    };
    Ok(Request { path, body: Value::Object(body) })
}

fn plain(opts: &Options, batch: &Batch, text: &str, body: &mut Map<String, Value>) -> Result<String, ProviderError> {
    let msg = sms::with_signature(&batch.signature, text);
    check_len(opts, &msg)?;
    let phones: Vec<&str> = batch.messages.iter().map(|m| m.phone.as_str()).collect();
    let wire = if opts.urlencode_plain_msg { form_encode(&msg) } else { msg };
    body.insert("msg".into(), json!(wire));
    body.insert("phone".into(), json!(phones.join(",")));
    Ok(opts.plain_path.clone())
}

fn variable(opts: &Options, batch: &Batch, text: &str, body: &mut Map<String, Value>) -> Result<String, ProviderError> {
    let slots = sms::slot_count(text);
    if slots > sms::MAX_SLOTS {
        return Err(invalid("114", format!("变量不能超过 {} 个，当前 {slots} 个", sms::MAX_SLOTS)));
    }
    let msg = sms::with_signature(&batch.signature, text);
    let mut groups = Vec::with_capacity(batch.messages.len());
    for m in &batch.messages {
        if m.values.len() != slots {
            let got = m.values.len();
            return Err(invalid(
                "114",
                format!("{} 的变量值有 {got} 个，内容中有 {slots} 个 {{$var}}", mask(&m.phone)),
            ));
        }
        let values: Vec<String> = m.values.iter().map(|v| sms::sanitize_value(v)).collect();
        check_len(opts, &sms::render(&msg, &values))?;
        groups.push(format!("{},{}", m.phone, values.join(",")));
    }
    body.insert("msg".into(), json!(msg));
    body.insert("params".into(), json!(groups.join(";")));
    Ok(opts.variable_path.clone())
}

fn template(
    opts: &Options,
    batch: &Batch,
    id: &str,
    params: &[String],
    body: &mut Map<String, Value>,
) -> Result<String, ProviderError> {
    let mut values = Vec::with_capacity(batch.messages.len());
    for m in &batch.messages {
        if m.values.len() != params.len() {
            return Err(invalid("114", format!("{} 的变量值数量与模板参数数量不一致", mask(&m.phone))));
        }
        let obj: Map<String, Value> = params.iter().cloned().zip(m.values.iter().map(|v| json!(v))).collect();
        values.push(Value::Object(obj));
    }
    let phones: Vec<&str> = batch.messages.iter().map(|m| m.phone.as_str()).collect();
    body.insert(opts.template_phones_field.clone(), json!(phones.join(",")));
    body.insert(opts.template_id_field.clone(), json!(id));
    body.insert(opts.template_params_field.clone(), json!(Value::Array(values).to_string()));
    body.insert("signature".into(), json!(format!("【{}】", batch.signature)));
    Ok(opts.template_path.clone())
}

fn check_len(opts: &Options, msg: &str) -> Result<(), ProviderError> {
    let len = sms::char_len(msg);
    if len > opts.max_len {
        return Err(invalid("106", format!("短信含签名共 {len} 字，超过上限 {} 字", opts.max_len)));
    }
    Ok(())
}

fn invalid(code: &str, explanation: String) -> ProviderError {
    ProviderError::new(ErrorClass::Permanent, code, explanation)
}

fn mask(phone: &str) -> String {
    crate::phone::mask(phone)
}

/// UTF-8 form encoding, space → `+` (PHP `urlencode`, §3).
pub fn form_encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Reads a submit answer: `code` `0` (or `000000` on the template endpoint, §16) is success.
pub fn parse(path: &str, answer: &Value, sent: usize) -> Result<Submitted, ProviderError> {
    let code = json::text(answer, "code").ok_or_else(super::unreadable)?;
    if code != "0" && code != "000000" {
        return Err(super::codes::classify(&code).with_vendor_message(json::text(answer, "errorMsg")));
    }
    let num = |k: &str| json::text(answer, k).and_then(|v| v.parse::<u32>().ok());
    let accepted = num("successNum").unwrap_or(sent as u32);
    Ok(Submitted {
        endpoint: path.to_owned(),
        msg_id: json::text(answer, "msgId").unwrap_or_default(),
        accepted,
        failed: num("failNum").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests;
