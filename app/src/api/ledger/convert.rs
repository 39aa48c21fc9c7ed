//! Server-side helpers of the ledger functions: filters from the query string, masked rows,
//! timelines, statistics and the follow-up campaign of 重发失败.

use crate::dto::ledger::{LedgerQuery, LedgerRow, StatsView, TraceStep, TracedMessage};
use crate::error::AppError;
use crate::state::ServerState;
use engine::ledger::query::{Entry, Filter, Step};

fn vendor_label(vendor: &str, sandbox: bool) -> String {
    match (vendor, sandbox) {
        ("chuanglan", true) => "创蓝 253（沙箱）".into(),
        ("chuanglan", false) => "创蓝 253".into(),
        ("aliyun", _) => "阿里云".into(),
        (other, _) => other.to_owned(),
    }
}

/// A `yyyy-MM-dd` filter field as Unix seconds (`engine::ledger::filter::day_bound`).
pub fn day_bound(field: &str, v: &str, end: bool) -> Result<Option<i64>, AppError> {
    engine::ledger::filter::day_bound(field, v, end).map_err(AppError::from)
}

pub fn filter(q: &LedgerQuery, limit: u32) -> Result<Filter, AppError> {
    Filter::parse(q, limit).map_err(AppError::from)
}

pub fn row(e: &Entry) -> LedgerRow {
    LedgerRow {
        id: e.id,
        campaign_id: e.campaign_id,
        campaign: e.campaign_name.clone(),
        user_id: e.user_id.clone(),
        phone_masked: engine::phone::mask(&e.phone),
        vendor_label: vendor_label(&e.vendor, e.sandbox),
        sandbox: e.sandbox,
        msg_id: e.msg_id.clone(),
        submit_code: e.code.clone(),
        submitted_at: e.submitted_at.map(engine::clock::display),
        receipt_status: e.report_status.clone(),
        receipt_time: e.report_received_at.map(engine::clock::display),
        category: e.category.as_str().to_owned(),
        category_label: e.category.label().to_owned(),
        explanation: e.explanation.clone(),
        units: e.units,
    }
}

pub fn traced(e: &Entry, steps: Vec<Step>) -> TracedMessage {
    TracedMessage {
        row: row(e),
        steps: steps
            .into_iter()
            .map(|s| TraceStep {
                at: s.at.map(engine::clock::display).unwrap_or_default(),
                what: s.what,
                detail: s.detail,
            })
            .collect(),
        advice: e.category.advice().to_owned(),
    }
}

/// The phone to investigate: typed (normalized), or the phone of a user id.
pub async fn phone_for(
    state: &ServerState,
    phone: &str,
    user_id: &str,
    message: Option<i64>,
) -> Result<(String, Option<String>), AppError> {
    if let Some(id) = message {
        let found = engine::ledger::query::phone_of_message(&state.db, id).await?;
        return found.ok_or_else(|| AppError::NotFound.with_status());
    }
    if !user_id.trim().is_empty() {
        let d = engine::users::user_detail(&state.db, user_id.trim()).await?;
        let d = d.ok_or_else(|| AppError::NotFound.with_status())?;
        let phone = d.phone.ok_or_else(|| AppError::field("phone", "该用户没有有效的手机号").with_status())?;
        return Ok((phone, Some(d.user_id)));
    }
    if phone.trim().is_empty() {
        return Err(AppError::field("phone", "请输入手机号").with_status());
    }
    let phone = engine::phone::normalize(phone).map_err(|e| AppError::field("phone", e.to_string()).with_status())?;
    Ok((phone, None))
}

pub fn stats(s: engine::ledger::stats::Stats, resendable: u64) -> StatsView {
    StatsView {
        targets: s.targets,
        submitted: s.submitted,
        delivered: s.delivered,
        failed: s.failed,
        pending: s.pending,
        timeout: s.timeout,
        unknown: s.unknown,
        in_progress: s.in_progress,
        cancelled: s.cancelled,
        failures: s.failures,
        over_time: s.over_time.into_iter().map(|(t, _, n)| (engine::clock::display_time(t), n)).collect(),
        carriers: s.carriers,
        resendable,
    }
}

pub async fn resend(state: &ServerState, id: i64, actor: &str) -> Result<i64, AppError> {
    let c = engine::campaigns::get(&state.db, id).await?.ok_or_else(|| AppError::NotFound.with_status())?;
    let phones = engine::ledger::query::resendable_phones(&state.db, id, state.receipt_timeout_secs).await?;
    if phones.is_empty() {
        return Err(AppError::Rejected { message: "没有可重发的失败短信".into() }.with_status());
    }
    let stamp = engine::clock::display(engine::clock::now());
    let input = engine::segments::SegmentInput {
        name: format!("{} · 重发失败 {stamp}", c.name),
        description: format!("活动 #{id} 中可重发的失败号码（{} 个）", phones.len()),
        rule: None,
        list: phones,
    };
    let (seg, _) = engine::segments::create(&state.segments, &state.db, &input, actor).await?;
    let copy = engine::campaigns::CampaignInput {
        name: format!("{}（重发失败）", c.name),
        segment_id: seg.id,
        vendor: c.vendor,
        signature: c.signature.clone(),
        content: c.content.clone(),
        bindings: c.bindings.clone(),
        scheduled_at: None,
        kind: c.kind,
        window: c.window,
    };
    Ok(engine::campaigns::create(&state.db, &copy, c.sandbox, actor).await?.id)
}
