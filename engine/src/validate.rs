//! Field validation shared by the settings forms: SMS signatures, vendor hosts and required
//! values. Messages are Simplified Chinese because operators read them beside the field.

pub use types::FieldError;

/// Longest signature name accepted: the Chuanglan simulator rule `^【[^】]{1,20}】` (Chuanglan §14).
pub const SIGNATURE_MAX: usize = 20;
pub const SIGNATURE_MIN: usize = 2;

/// Normalizes an SMS signature to its bare name: trims, removes one pair of surrounding
/// `【】` (or ASCII `[]`), and checks length and characters. Chuanglan needs `【name】` at the
/// start of `msg` (Chuanglan §3), Aliyun takes the bare name and adds the brackets itself
/// (Aliyun §1), so the bare name is what we store.
pub fn signature(field: &str, raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    let inner = strip_brackets(trimmed).trim();
    if inner.is_empty() {
        return Err(FieldError::new(field, "请填写短信签名"));
    }
    let len = inner.chars().count();
    if !(SIGNATURE_MIN..=SIGNATURE_MAX).contains(&len) {
        return Err(FieldError::new(
            field,
            format!("签名长度需为 {SIGNATURE_MIN}–{SIGNATURE_MAX} 个字符（不含【】），当前 {len} 个"),
        ));
    }
    if let Some(c) = inner.chars().find(|c| is_forbidden_in_signature(*c)) {
        let shown = if c.is_whitespace() { "空格".to_owned() } else { format!("“{c}”") };
        return Err(FieldError::new(field, format!("签名不能包含 {shown}，只需填写签名文字，例如：示例商城")));
    }
    Ok(inner.to_owned())
}

fn strip_brackets(s: &str) -> &str {
    for (open, close) in [('【', '】'), ('[', ']')] {
        if let Some(rest) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return rest;
        }
    }
    s
}

fn is_forbidden_in_signature(c: char) -> bool {
    matches!(c, '【' | '】' | '[' | ']' | '{' | '}' | '$' | ',' | ';' | '<' | '>')
        || c.is_whitespace()
        || c.is_control()
}

/// A vendor host as typed or pasted: `smssh1.253.com`, `https://smssh1.253.com/msg/send/json`
/// or `http://127.0.0.1:9000`. The result keeps host and optional port only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Host {
    pub host: String,
    /// Plain http is allowed only towards loopback (the built-in simulator); vendors get https.
    pub plain_http: bool,
}

pub fn host(field: &str, raw: &str) -> Result<Host, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::new(field, "请填写接口地址，例如 smssh1.253.com"));
    }
    let (scheme, rest) = match text.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("https".to_owned(), text),
    };
    if scheme != "http" && scheme != "https" {
        return Err(FieldError::new(field, "接口地址只支持 https（或本机模拟器的 http）"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    let (name, port) = split_port(field, &authority)?;
    if !is_hostname(name) {
        return Err(FieldError::new(field, "接口地址格式不正确：只填域名，例如 smssh1.253.com"));
    }
    let literal = name.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().ok();
    if literal.is_some_and(|ip| !crate::provider::egress::allowed(ip)) {
        return Err(FieldError::new(field, "接口地址不能是内网、链路本地或保留地址：请填写服务商的公网域名"));
    }
    let loopback = matches!(name, "127.0.0.1" | "localhost" | "[::1]");
    if scheme == "http" && !loopback {
        return Err(FieldError::new(field, "为保护账号密码，对外接口必须使用 https；http 仅用于本机模拟器"));
    }
    let host = match port {
        Some(p) => format!("{name}:{p}"),
        None => name.to_owned(),
    };
    Ok(Host { host, plain_http: scheme == "http" })
}

fn split_port<'a>(field: &str, authority: &'a str) -> Result<(&'a str, Option<u16>), FieldError> {
    if authority.contains('@') {
        return Err(FieldError::new(field, "接口地址中不能包含用户名或密码"));
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if !name.is_empty() && !port.contains(']') => {
            let p: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(|| FieldError::new(field, "端口号不正确"))?;
            Ok((name, Some(p)))
        }
        _ => Ok((authority, None)),
    }
}

fn is_hostname(name: &str) -> bool {
    if name == "[::1]" {
        return true;
    }
    if name.is_empty() || name.len() > 253 || !name.contains('.') && name != "localhost" {
        return false;
    }
    name.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// A required single-line value (account names, key ids): trimmed, non-empty, printable ASCII.
pub fn required_token(field: &str, raw: &str, label: &str, max: usize) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, format!("请填写{label}")));
    }
    if v.chars().count() > max {
        return Err(FieldError::new(field, format!("{label}不能超过 {max} 个字符")));
    }
    if !v.chars().all(|c| c.is_ascii_graphic()) {
        return Err(FieldError::new(field, format!("{label}只能包含英文字母、数字和符号，不能有空格或中文")));
    }
    Ok(v.to_owned())
}

/// An attribute name such as `phone` or `mobile_number`.
pub fn attribute_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "请选择或填写保存手机号的用户属性"));
    }
    if v.chars().count() > 64 || !v.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.') {
        return Err(FieldError::new(field, "属性名只能包含字母、数字、下划线、连字符和点，最长 64 个字符"));
    }
    Ok(v.to_owned())
}

#[cfg(test)]
mod tests;
