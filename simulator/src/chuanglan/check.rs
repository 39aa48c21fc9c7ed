//! Request validation in the order of Chuanglan §14. Each failure is a `(code, errorMsg)`.

use super::config::SimConfig;
use engine::provider::json;
use serde_json::Value;

pub type Reject = (&'static str, &'static str);

pub const BAD_JSON: Reject = ("129", "JSON格式错误");
pub const MISSING: Reject = ("130", "请求参数错误");

/// 129 → 130 → 101 → 102: a JSON object with credentials that match the notification or the
/// marketing account. Returns whether it is the marketing account.
pub fn credentials(body: &Value, cfg: &SimConfig, required: &[&str]) -> Result<bool, Reject> {
    if !body.is_object() {
        return Err(BAD_JSON);
    }
    if required.iter().any(|k| json::text(body, k).is_none_or(|v| v.is_empty())) {
        return Err(MISSING);
    }
    let account = json::text(body, "account").unwrap_or_default();
    let market = !cfg.market_account.is_empty() && account == cfg.market_account;
    if account != cfg.account && !market {
        return Err(("101", "无此用户"));
    }
    let password = if market { &cfg.market_password } else { &cfg.password };
    if json::text(body, "password").as_deref() != Some(password.as_str()) {
        return Err(("102", "密码错误"));
    }
    Ok(market)
}

/// 158: a marketing account refuses content that does not end with 拒收请回复R (Chuanglan §3;
/// the code comes from one third-party list, §9).
pub fn marketing(market: bool, text: &str) -> Result<(), Reject> {
    match market && !text.trim_end().ends_with(engine::compliance::SUFFIX) {
        true => Err(("158", "退订语不合规，须以“拒收请回复R”结尾")),
        false => Ok(()),
    }
}

/// 127 `sendtime` (`yyyyMMddHHmm`), 113 `extend` (digits, ≤ 3 recommended; ≤ 6 accepted).
pub fn optional_fields(body: &Value) -> Result<(), Reject> {
    if let Some(t) = json::text(body, "sendtime").filter(|t| !t.is_empty()) {
        if t.len() != 12 || !t.chars().all(|c| c.is_ascii_digit()) {
            return Err(("127", "定时发送时间格式错误"));
        }
    }
    if let Some(e) = json::text(body, "extend").filter(|e| !e.is_empty()) {
        if e.len() > 6 || !e.chars().all(|c| c.is_ascii_digit()) {
            return Err(("113", "扩展码格式错误"));
        }
    }
    Ok(())
}

/// `msg` as the platform reads it: form-decoded when it carries `%XX` or `+` (§3).
pub fn decode_msg(raw: &str) -> Result<String, Reject> {
    if !raw.contains('%') && !raw.contains('+') {
        return Ok(raw.to_owned());
    }
    let bytes: Vec<u8> = percent_encoding::percent_decode(raw.replace('+', " ").as_bytes()).collect();
    String::from_utf8(bytes).map_err(|_| ("128", "内容编码失败"))
}

/// 106 length 1..=max, then 116 signature `【…】` (1–20 characters) at the very start.
pub fn text(msg: &str, cfg: &SimConfig) -> Result<(), Reject> {
    let len = msg.chars().count();
    if len == 0 || len > cfg.max_len {
        return Err(("106", "短信内容长度错误"));
    }
    signature(msg, cfg)
}

pub fn signature(msg: &str, cfg: &SimConfig) -> Result<(), Reject> {
    let bad = ("116", "签名不合法或未带签名");
    let inner = msg.strip_prefix('【').and_then(|r| r.split_once('】')).map(|(s, _)| s).ok_or(bad)?;
    let n = inner.chars().count();
    if n == 0 || n > 20 || (!cfg.signatures.is_empty() && !cfg.signatures.iter().any(|s| s == inner)) {
        return Err(bad);
    }
    Ok(())
}

/// 108: 1..=1000 phones in a comma list.
pub fn phone_list(list: &str) -> Result<Vec<String>, Reject> {
    let phones: Vec<String> = list.split(',').map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    if phones.is_empty() || phones.len() > 1000 {
        return Err(("108", "手机号码个数错误"));
    }
    Ok(phones)
}

/// `^1\d{10}$` (§14).
pub fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// One variable group: the phone and its values.
pub type Group = (String, Vec<String>);

/// 114: 1..=1000 groups, ≤ 20 slots. Returns `(phone, values)` of well-formed groups and the
/// number filtered out (wrong value count or bad phone), as the platform silently filters (§5.1).
pub fn groups(params: &str, slots: usize) -> Result<(Vec<Group>, u32), Reject> {
    let raw: Vec<&str> = params.split(';').filter(|g| !g.trim().is_empty()).collect();
    if raw.is_empty() || raw.len() > 1000 || slots > 20 || slots == 0 {
        return Err(("114", "参数组个数错误或变量超过20个"));
    }
    let mut good = Vec::with_capacity(raw.len());
    let mut failed = 0;
    for g in raw {
        let mut parts = g.split(',').map(|s| s.to_owned());
        let phone = parts.next().unwrap_or_default();
        let values: Vec<String> = parts.collect();
        if is_mobile(&phone) && values.len() == slots {
            good.push((phone, values));
        } else {
            failed += 1;
        }
    }
    Ok((good, failed))
}
