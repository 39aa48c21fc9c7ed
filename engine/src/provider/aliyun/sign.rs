//! Aliyun RPC signature v1, HMAC-SHA1 (Aliyun §3): RFC 3986 percent-encoding, parameters
//! sorted byte-wise, `METHOD&%2F&pe(canonical)`, key = secret + `&`, Base64 result.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha1::Sha1;
use std::collections::BTreeMap;

/// Everything except `A–Z a–z 0–9 - _ . ~` is encoded, with upper-case hex (Aliyun §3.1).
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `pe(s)` of Aliyun §3.1.
pub fn pe(s: &str) -> String {
    utf8_percent_encode(s, RFC3986).to_string()
}

/// The canonicalized query string (Aliyun §3.2). A `BTreeMap<String, _>` iterates in byte order.
pub fn canonical(params: &BTreeMap<String, String>) -> String {
    params
        .iter()
        .filter(|(k, _)| k.as_str() != "Signature")
        .map(|(k, v)| format!("{}={}", pe(k), pe(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `StringToSign` (Aliyun §3.3).
pub fn string_to_sign(method: &str, params: &BTreeMap<String, String>) -> String {
    format!("{}&{}&{}", method.to_ascii_uppercase(), pe("/"), pe(&canonical(params)))
}

/// The `Signature` value (Aliyun §3.4), not yet percent-encoded for transport.
pub fn sign(method: &str, params: &BTreeMap<String, String>, secret: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(format!("{secret}&").as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign(method, params).as_bytes());
    B64.encode(mac.finalize().into_bytes())
}

/// Adds the common parameters of Aliyun §2 with a fresh nonce and the current UTC time.
pub fn add_common(params: &mut BTreeMap<String, String>, action: &str, access_key_id: &str) {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    let timestamp = time::OffsetDateTime::now_utc().format(&fmt).unwrap_or_default();
    for (k, v) in [
        ("AccessKeyId", access_key_id.to_owned()),
        ("Action", action.to_owned()),
        ("Format", "JSON".to_owned()),
        ("RegionId", "cn-hangzhou".to_owned()),
        ("SignatureMethod", "HMAC-SHA1".to_owned()),
        ("SignatureNonce", uuid::Uuid::new_v4().to_string()),
        ("SignatureVersion", "1.0".to_owned()),
        ("Timestamp", timestamp),
        ("Version", super::API_VERSION.to_owned()),
    ] {
        params.insert(k.to_owned(), v);
    }
}

/// `application/x-www-form-urlencoded` body with RFC 3986 encoding (a valid form encoding).
pub fn form_body(params: &BTreeMap<String, String>) -> String {
    params.iter().map(|(k, v)| format!("{}={}", pe(k), pe(v))).collect::<Vec<_>>().join("&")
}

#[cfg(test)]
mod tests;
