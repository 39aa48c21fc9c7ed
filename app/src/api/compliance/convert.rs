//! Between the compliance forms and the engine's policy and suppression types.

use crate::dto::compliance::{PolicyForm, SuppressionPage, SuppressionRow};
use crate::error::AppError;
use crate::state::ServerState;
use engine::compliance::window::{hhmm, parse_hhmm};
use engine::compliance::{suppress, Policy, Window};

pub fn form(p: &Policy) -> PolicyForm {
    PolicyForm {
        window_start: hhmm(p.window.start),
        window_end: hhmm(p.window.end),
        daily_cap: p.daily_cap,
        weekly_cap: p.weekly_cap,
        suppress_notifications: p.suppress_notifications,
        consent_attribute: p.consent_attribute.clone(),
        require_consent: p.require_consent,
        retention_days: p.retention_days,
    }
}

pub fn policy(f: &PolicyForm) -> Result<Policy, AppError> {
    let (Some(start), Some(end)) = (parse_hhmm(&f.window_start), parse_hhmm(&f.window_end)) else {
        return Err(AppError::field("window", "发送时段格式应为 08:00 和 21:00（北京时间）").with_status());
    };
    Ok(Policy {
        window: Window { start, end },
        daily_cap: f.daily_cap,
        weekly_cap: f.weekly_cap,
        suppress_notifications: f.suppress_notifications,
        consent_attribute: f.consent_attribute.clone(),
        require_consent: f.require_consent,
        retention_days: f.retention_days,
    })
}

/// Phones from typed text or a pasted CSV (first column; a header line is skipped), deduped.
pub fn phones(raw: &str) -> (Vec<String>, Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    let (mut ok, mut bad) = (Vec::new(), Vec::new());
    for line in raw.lines() {
        for item in line.split(['\t', '，', ';', '；', '、']).next().unwrap_or("").split(',').take(1) {
            let item = item.trim().trim_matches('"');
            if item.is_empty() || item.eq_ignore_ascii_case("phone") || item == "手机号" {
                continue;
            }
            match engine::phone::normalize(item) {
                Ok(p) if seen.insert(p.clone()) => ok.push(p),
                Ok(_) => {}
                Err(_) if bad.len() < 50 => bad.push(item.chars().take(32).collect()),
                Err(_) => {}
            }
        }
    }
    (ok, bad)
}

const PAGE: u32 = 50;

/// A page of the list, newest first. The cursor is the row offset (the key is the phone,
/// which never leaves the server in full).
pub async fn page(state: &ServerState, search: &str, after: Option<&str>) -> Result<SuppressionPage, AppError> {
    let offset: u32 = after.and_then(|c| c.parse().ok()).unwrap_or(0).min(1_000_000);
    let search = search.trim();
    let rows = suppress::list(&state.db, Some(search), None, offset + PAGE + 1).await?;
    let more = rows.len() > (offset + PAGE) as usize;
    let total = if search.is_empty() { suppress::count(&state.db).await? } else { rows.len() as u64 };
    let shown: Vec<SuppressionRow> = rows
        .into_iter()
        .skip(offset as usize)
        .take(PAGE as usize)
        .map(|e| SuppressionRow {
            phone_masked: engine::phone::mask(&e.phone),
            source: suppress::source_label(&e.source).to_owned(),
            vendor: e.vendor,
            detail: e.detail,
            created_by: e.created_by,
            created_at: engine::clock::display(e.created_at),
        })
        .collect();
    Ok(SuppressionPage { total, rows: shown, next: more.then(|| (offset + PAGE).to_string()) })
}
