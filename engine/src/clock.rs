//! Wall-clock helpers: every stored timestamp is Unix seconds (UTC), shown in Asia/Shanghai.

use time::{OffsetDateTime, UtcOffset};

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// China Standard Time (UTC+8), the zone operators read and vendors expect (Chuanglan §4.1).
pub fn shanghai() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The start of day `yyyy-MM-dd` in Asia/Shanghai, as Unix seconds.
pub fn day_start(day: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let date = time::Date::parse(day.trim(), &fmt).ok()?;
    Some(date.midnight().assume_offset(shanghai()).unix_timestamp())
}

/// `HH:mm:ss` in Asia/Shanghai, for chart labels.
pub fn display_time(ts: i64) -> String {
    let fmt = time::macros::format_description!("[hour]:[minute]:[second]");
    OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| t.to_offset(shanghai()))
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

/// `yyyy-MM-dd HH:mm` in Asia/Shanghai for display.
pub fn display(ts: i64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    OffsetDateTime::from_unix_timestamp(ts)
        .map(|t| t.to_offset(shanghai()))
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}
