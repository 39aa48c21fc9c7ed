//! Opaque pagination cursors: the position to continue after, base64url-encoded, so clients
//! pass back what they were given and never compute offsets themselves.

use super::error::ApiError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

const MAX_LIMIT: u32 = 500;
pub const DEFAULT_LIMIT: u32 = 100;

pub fn encode(position: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("p{position}"))
}

/// The position in `cursor`, `None` for the first page.
pub fn decode(cursor: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else { return Ok(None) };
    let bad = || ApiError::bad_request("cursor 无效：请传回上一页返回的 next_cursor");
    let raw = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
    let text = std::str::from_utf8(&raw).map_err(|_| bad())?;
    text.strip_prefix('p').and_then(|n| n.parse().ok()).map(Some).ok_or_else(bad)
}

/// `limit` clamped to 1–500 (100 when absent).
pub fn limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT)
}

/// The keyset position and row budget of a newest-first page: rows with an id below the
/// cursor's, one more than the limit so the caller knows whether another page follows.
pub fn keyset(p: &super::types::PageParams) -> Result<(Option<i64>, u32), ApiError> {
    Ok((decode(p.cursor.as_deref())?, limit(p.limit) + 1))
}

/// Cuts the extra row `keyset` asked for and returns the next page's cursor when it existed.
pub fn finish<T>(mut rows: Vec<T>, p: &super::types::PageParams, id: impl Fn(&T) -> i64) -> (Vec<T>, Option<String>) {
    let limit = limit(p.limit) as usize;
    let next = (rows.len() > limit).then(|| encode(id(&rows[limit - 1])));
    rows.truncate(limit);
    (rows, next)
}

const SEALED: &str = "api-cursor";

/// A cursor over a position that must not be readable by the client (it holds a phone):
/// sealed with the installation key.
pub fn seal(key: &engine::secrets::MasterKey, position: &str) -> String {
    URL_SAFE_NO_PAD.encode(key.seal(SEALED, position.as_bytes()))
}

/// The position in a sealed cursor, `None` for the first page.
pub fn open(key: &engine::secrets::MasterKey, cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else { return Ok(None) };
    let bad = || ApiError::bad_request("cursor 无效：请传回上一页返回的 next_cursor");
    let raw = URL_SAFE_NO_PAD.decode(c).map_err(|_| bad())?;
    let plain = key.open(SEALED, &raw).map_err(|_| bad())?;
    String::from_utf8(plain).map(Some).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        assert_eq!(decode(Some(&encode(42))).expect("ok"), Some(42));
        assert_eq!(decode(None).expect("first"), None);
        assert!(decode(Some("!!")).is_err());
        assert!(decode(Some(&URL_SAFE_NO_PAD.encode("x1"))).is_err());
    }

    #[test]
    fn a_sealed_cursor_hides_its_position_and_refuses_tampering() {
        let key = engine::secrets::MasterKey::generate();
        let c = seal(&key, "1700000000:13800138000");
        assert!(!String::from_utf8_lossy(&URL_SAFE_NO_PAD.decode(&c).expect("b64")).contains("13800138000"));
        assert_eq!(open(&key, Some(&c)).expect("ok").as_deref(), Some("1700000000:13800138000"));
        assert!(open(&engine::secrets::MasterKey::generate(), Some(&c)).is_err(), "another key");
        assert!(open(&key, Some(&encode(5))).is_err());
        assert_eq!(open(&key, None).expect("first"), None);
    }
}
