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

/// One page, newest first, of rows identified by `id`: those below the cursor's id, at most the
/// limit, and the cursor of the next page when more remain.
pub fn newest_first<T>(
    rows: Vec<T>,
    id: impl Fn(&T) -> i64,
    p: &super::types::PageParams,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let before = decode(p.cursor.as_deref())?.unwrap_or(i64::MAX);
    let limit = limit(p.limit) as usize;
    let mut rows: Vec<T> = rows.into_iter().filter(|r| id(r) < before).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(id(r)));
    let next = (rows.len() > limit).then(|| encode(id(&rows[limit - 1])));
    rows.truncate(limit);
    Ok((rows, next))
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
}
