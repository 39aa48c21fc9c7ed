//! The SMS operations behind the gateway: business errors answer HTTP 200 with `Code`.

use super::{AliMessage, State};
use engine::phone;
use rand::Rng;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

type Params = BTreeMap<String, String>;
type Fail = (Cow<'static, str>, String);

pub fn dispatch(s: &mut State, p: &Params) -> Value {
    let result = match p.get("Action").map(String::as_str) {
        Some("SendSms") => send_sms(s, p),
        Some("SendBatchSms") => send_batch(s, p),
        Some("QuerySmsSign") => query_sign(s, p),
        Some("QuerySmsTemplate") => query_template(s, p),
        Some("QuerySendDetails") => query_details(s, p),
        _ => Err((
            Cow::Borrowed("InvalidAction.NotFound"),
            "Specified api is not found, please check your url and method.".into(),
        )),
    };
    match result {
        Ok(mut v) => {
            v["Code"] = json!("OK");
            v["Message"] = json!("OK");
            v["RequestId"] = json!(request_id());
            v
        }
        Err((code, message)) => json!({ "RequestId": request_id(), "Code": code, "Message": message }),
    }
}

/// Upper-case UUID (Aliyun §9).
pub fn request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

fn need<'a>(p: &'a Params, key: &str) -> Result<&'a str, Fail> {
    p.get(key)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or((Cow::Borrowed("isv.INVALID_PARAMETERS"), format!("{key} is mandatory")))
}

fn template<'a>(s: &'a State, code: &str) -> Result<&'a super::AliTemplate, Fail> {
    s.config
        .templates
        .iter()
        .find(|t| t.code == code && t.status == 1)
        .ok_or((Cow::Borrowed("isv.SMS_TEMPLATE_ILLEGAL"), "模板不合法(不存在或被拉黑)".into()))
}

fn check_sign(s: &State, name: &str) -> Result<(), Fail> {
    match s.config.signs.get(name) {
        Some(1) => Ok(()),
        _ => Err((Cow::Borrowed("isv.SMS_SIGNATURE_ILLEGAL"), "签名不合法(不存在或被拉黑)".into())),
    }
}

/// Renders `${name}` from a JSON object of strings covering every parameter (§5.1).
fn render(content: &str, params: &Value) -> Result<String, Fail> {
    let obj =
        params.as_object().ok_or((Cow::Borrowed("isv.INVALID_JSON_PARAM"), "JSON参数不合法，只接受字符串值".into()))?;
    if obj.values().any(|v| !v.is_string()) {
        return Err((Cow::Borrowed("isv.INVALID_JSON_PARAM"), "JSON参数不合法，只接受字符串值".into()));
    }
    let info = engine::provider::aliyun::TemplateInfo {
        code: String::new(),
        name: String::new(),
        content: content.to_owned(),
        status: 1,
        reason: String::new(),
        template_type: None,
    };
    let mut out = content.to_owned();
    for name in info.params() {
        let value = obj
            .get(&name)
            .and_then(Value::as_str)
            .ok_or((Cow::Borrowed("isv.TEMPLATE_MISSING_PARAMETERS"), format!("模板缺少变量 {name}")))?;
        out = out.replace(&format!("${{{name}}}"), value);
    }
    Ok(out)
}

fn mobile(raw: &str) -> Result<String, Fail> {
    phone::normalize(raw).map_err(|_| (Cow::Borrowed("isv.MOBILE_NUMBER_ILLEGAL"), "非法手机号".into()))
}

fn send_sms(s: &mut State, p: &Params) -> Result<Value, Fail> {
    let phones: Vec<&str> = need(p, "PhoneNumbers")?.split(',').filter(|x| !x.trim().is_empty()).collect();
    if phones.len() > 1000 {
        return Err((Cow::Borrowed("isv.MOBILE_COUNT_OVER_LIMIT"), "手机号码数量超过限制".into()));
    }
    let sign = need(p, "SignName")?.to_owned();
    check_sign(s, &sign)?;
    let content = template(s, need(p, "TemplateCode")?)?.content.clone();
    let params: Value = serde_json::from_str(p.get("TemplateParam").map_or("{}", String::as_str))
        .map_err(|_| (Cow::Borrowed("isv.INVALID_JSON_PARAM"), "JSON参数不合法".to_owned()))?;
    let text = format!("【{sign}】{}", render(&content, &params)?);
    let items: Vec<(String, String)> =
        phones.iter().map(|ph| Ok((mobile(ph)?, text.clone()))).collect::<Result<_, Fail>>()?;
    accept(s, p, items)
}

fn send_batch(s: &mut State, p: &Params) -> Result<Value, Fail> {
    let arr = |key: &str| -> Result<Vec<Value>, Fail> {
        serde_json::from_str::<Value>(need(p, key)?)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .ok_or((Cow::Borrowed("isv.INVALID_JSON_PARAM"), format!("{key} 不是 JSON 数组")))
    };
    let (phones, signs) = (arr("PhoneNumberJson")?, arr("SignNameJson")?);
    let params =
        if p.contains_key("TemplateParamJson") { arr("TemplateParamJson")? } else { vec![json!({}); phones.len()] };
    if phones.len() > 100 {
        return Err((Cow::Borrowed("isv.MOBILE_COUNT_OVER_LIMIT"), "手机号码数量超过限制".into()));
    }
    if phones.is_empty() || signs.len() != phones.len() || params.len() != phones.len() {
        return Err((Cow::Borrowed("isv.INVALID_PARAMETERS"), "数组长度不一致".into()));
    }
    let content = template(s, need(p, "TemplateCode")?)?.content.clone();
    let mut items = Vec::with_capacity(phones.len());
    for i in 0..phones.len() {
        let sign = signs[i].as_str().unwrap_or_default();
        check_sign(s, sign)?;
        items.push((
            mobile(phones[i].as_str().unwrap_or_default())?,
            format!("【{sign}】{}", render(&content, &params[i])?),
        ));
    }
    accept(s, p, items)
}

fn accept(s: &mut State, p: &Params, items: Vec<(String, String)>) -> Result<Value, Fail> {
    let faults: Vec<(String, f64)> = s.config.failure_rates.iter().map(|(k, v)| (k.clone(), *v)).collect();
    if let Some((code, _)) = faults.into_iter().find(|(_, prob)| s.rng.gen::<f64>() < *prob) {
        return Err((Cow::Owned(code), "模拟故障".into()));
    }
    s.counter += 1;
    let biz_id = format!("{:012}{:06}^0", engine::clock::now(), s.counter % 1_000_000);
    let now = time::OffsetDateTime::now_utc().to_offset(engine::clock::shanghai());
    let day = now.format(time::macros::format_description!("[year][month][day]")).unwrap_or_default();
    let time = now
        .format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
        .unwrap_or_default();
    let due = Instant::now() + Duration::from_millis(s.config.receipt_delay_ms);
    for (phone, text) in items {
        let delivered = s.rng.gen::<f64>() < s.config.delivered_ratio || s.config.failure_codes.is_empty();
        let err_code = if delivered {
            "DELIVERED".to_owned()
        } else {
            s.config.failure_codes[s.rng.gen_range(0..s.config.failure_codes.len())].clone()
        };
        let message = AliMessage {
            biz_id: biz_id.clone(),
            phone,
            template_code: p.get("TemplateCode").cloned().unwrap_or_default(),
            text,
            out_id: p.get("OutId").cloned().unwrap_or_default(),
            send_day: day.clone(),
            send_time: time.clone(),
            final_status: if delivered { 3 } else { 2 },
            err_code,
            due: Some(due),
        };
        if s.config.keep_records {
            s.messages.push(message);
        }
    }
    Ok(json!({ "BizId": biz_id }))
}

fn query_sign(s: &mut State, p: &Params) -> Result<Value, Fail> {
    let name = need(p, "SignName")?;
    let status = s
        .config
        .signs
        .get(name)
        .copied()
        .ok_or((Cow::Borrowed("isv.SMS_SIGNATURE_ILLEGAL"), "签名不存在".to_owned()))?;
    let reason = if status == 2 { "签名与企业名称不符" } else { "" };
    Ok(json!({ "SignName": name, "SignStatus": status, "CreateDate": "2024-04-28 09:12:33", "Reason": reason }))
}

fn query_template(s: &mut State, p: &Params) -> Result<Value, Fail> {
    let code = need(p, "TemplateCode")?;
    let t = s
        .config
        .templates
        .iter()
        .find(|t| t.code == code)
        .ok_or((Cow::Borrowed("isv.SMS_TEMPLATE_ILLEGAL"), "模板不存在".to_owned()))?;
    Ok(
        json!({ "TemplateCode": t.code, "TemplateName": t.name, "TemplateContent": t.content, "TemplateStatus": t.status,
               "TemplateType": t.template_type, "CreateDate": "2024-05-01 10:00:00", "Reason": t.reason }),
    )
}

fn query_details(s: &mut State, p: &Params) -> Result<Value, Fail> {
    let phone = mobile(need(p, "PhoneNumber")?)?;
    let day = need(p, "SendDate")?;
    let size: usize = need(p, "PageSize")?
        .parse()
        .ok()
        .filter(|n| (1..=50).contains(n))
        .ok_or((Cow::Borrowed("isv.INVALID_PARAMETERS"), "PageSize 1-50".to_owned()))?;
    let page: usize = need(p, "CurrentPage")?
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or((Cow::Borrowed("isv.INVALID_PARAMETERS"), "CurrentPage".to_owned()))?;
    let biz = p.get("BizId");
    let rows: Vec<&AliMessage> = s
        .messages
        .iter()
        .filter(|m| m.phone == phone && m.send_day == day && biz.is_none_or(|b| *b == m.biz_id))
        .collect();
    let now = Instant::now();
    let page_rows: Vec<Value> = rows.iter().skip((page - 1) * size).take(size).map(|m| detail(m, now)).collect();
    let mut dto = Map::new();
    dto.insert("SmsSendDetailDTO".into(), Value::Array(page_rows));
    Ok(json!({ "TotalCount": rows.len().to_string(), "SmsSendDetailDTOs": dto }))
}

fn detail(m: &AliMessage, now: Instant) -> Value {
    let done = m.due.is_none_or(|d| d <= now);
    let (status, code, receive) =
        if done { (m.final_status, m.err_code.as_str(), m.send_time.as_str()) } else { (1, "", "") };
    json!({ "PhoneNum": m.phone, "SendStatus": status, "ErrCode": code, "TemplateCode": m.template_code,
            "Content": m.text, "SendDate": m.send_time, "ReceiveDate": receive, "OutId": m.out_id })
}
