//! Lenient readers for vendor JSON, where a field may be a number or a string
//! (Chuanglan §2: `code`, `ret`, `balance`, `count`, …).

use serde_json::Value;

/// The field as text whether it was sent as a string or a number.
pub fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}
