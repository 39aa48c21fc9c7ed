//! Ledger filters from their query-string form (`types::LedgerQuery`, the console's URL and the
//! REST API's parameters) to the engine's `Filter`, with field errors in Chinese.

use super::query::{Filter, StatusFilter};
use crate::validate::FieldError;
use types::LedgerQuery;

/// A `yyyy-MM-dd` filter field (Asia/Shanghai) as Unix seconds: the day's first second, or its
/// last when `end`; empty means no bound.
pub fn day_bound(field: &str, v: &str, end: bool) -> Result<Option<i64>, FieldError> {
    match v.trim() {
        "" => Ok(None),
        t => crate::clock::day_start(t)
            .map(|s| Some(if end { s + 86_399 } else { s }))
            .ok_or_else(|| FieldError::new(field, "日期格式应为 2026-11-25")),
    }
}

fn int(field: &str, v: &str) -> Result<Option<i64>, FieldError> {
    match v.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| FieldError::new(field, "请填写数字")),
    }
}

impl Filter {
    /// The filter `q` describes, returning at most `limit` rows.
    pub fn parse(q: &LedgerQuery, limit: u32) -> Result<Filter, FieldError> {
        let status = match q.status.trim() {
            "" => None,
            s => Some(StatusFilter::parse(s).ok_or_else(|| FieldError::new("status", "未知的状态"))?),
        };
        let phone = match q.phone.trim() {
            "" => None,
            p => Some(crate::phone::normalize(p).map_err(|e| FieldError::new("phone", e.to_string()))?),
        };
        let vendor = Some(q.vendor.trim().to_owned()).filter(|v| !v.is_empty());
        if vendor.as_deref().is_some_and(|v| types::Vendor::parse(v).is_none()) {
            return Err(FieldError::new("vendor", "未知的服务商"));
        }
        Ok(Filter {
            campaign: int("campaign", &q.campaign)?,
            status,
            vendor,
            from: day_bound("from", &q.from, false)?,
            to: day_bound("to", &q.to, true)?,
            phone,
            before: int("before", &q.before)?,
            limit,
        })
    }
}
