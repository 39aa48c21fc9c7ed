//! Between the builder's form and the engine's campaign types.

use crate::dto::campaign::{BuilderOptions, CampaignDetail, CampaignRow, VendorOption};
use crate::error::AppError;
use crate::state::ServerState;
use engine::campaigns::{Campaign, Progress, Status, Vendor};
use engine::provider::Content;

pub async fn options(state: &ServerState) -> Result<BuilderOptions, AppError> {
    let segments = engine::segments::list(&state.db).await?;
    let segments = segments.into_iter().map(|s| (s.id, s.name, s.cached.map(|c| c.members))).collect();
    let mut vendors = Vec::new();
    let cl = engine::settings::chuanglan::view(&state.db).await?;
    let sandbox = engine::settings::chuanglan::sandbox(&state.db).await?;
    let cl_signature = cl.config.as_ref().map(|c| c.signature.clone()).unwrap_or_default();
    if sandbox {
        let signature = if cl_signature.is_empty() { "沙箱测试".to_owned() } else { cl_signature.clone() };
        vendors.push(VendorOption {
            id: "chuanglan".into(),
            label: "创蓝 253（沙箱）".into(),
            signature,
            sandbox: true,
        });
    } else if cl.enabled && cl.has_password {
        vendors.push(VendorOption {
            id: "chuanglan".into(),
            label: "创蓝 253".into(),
            signature: cl_signature,
            sandbox: false,
        });
    }
    let ali = engine::settings::aliyun::view(&state.db).await?;
    if ali.enabled && ali.has_secret {
        let signature = ali.config.map(|c| c.signature).unwrap_or_default();
        vendors.push(VendorOption { id: "aliyun".into(), label: "阿里云".into(), signature, sandbox: false });
    }
    let attributes = engine::users::attribute_types(&state.db).await?;
    let attributes = attributes.into_iter().map(|(n, t)| (n, t.as_str().to_owned())).collect();
    let policy = engine::compliance::policy(&state.db).await?;
    let now = engine::clock::display(engine::clock::now()).replace(' ', "T");
    Ok(BuilderOptions {
        segments,
        vendors,
        attributes,
        window: policy.window.label(),
        daily_cap: policy.daily_cap,
        now,
    })
}

fn vendor_label(c: &Campaign) -> String {
    match (c.vendor, c.sandbox) {
        (Vendor::Chuanglan, true) => "创蓝 253（沙箱）".into(),
        (Vendor::Chuanglan, false) => "创蓝 253".into(),
        (Vendor::Aliyun, _) => "阿里云".into(),
    }
}

/// The campaign's reason, plus a note when the sending service is failing right now.
fn with_service_health(db: &engine::Db, c: &Campaign) -> Option<String> {
    let health = engine::health::snapshot(db);
    let failing = health.get(engine::campaigns::DISPATCH_SERVICE).filter(|h| !h.ok);
    match (c.status, failing.and_then(|h| h.last_error.clone())) {
        (Status::Sending, Some(e)) => {
            let note = format!("发送服务异常（{e}），正在自动重试");
            Some(c.status_reason.as_ref().map_or(note.clone(), |r| format!("{r}；{note}")))
        }
        _ => c.status_reason.clone(),
    }
}

pub fn row(db: &engine::Db, c: &Campaign, p: &Progress) -> CampaignRow {
    let time = |t: Option<i64>| t.map(engine::clock::display);
    CampaignRow {
        id: c.id,
        name: c.name.clone(),
        kind_label: c.kind.label().to_owned(),
        status: c.status.as_str().to_owned(),
        status_label: c.status.label().to_owned(),
        status_reason: with_service_health(db, c),
        vendor_label: vendor_label(c),
        sandbox: c.sandbox,
        planned: c.planned,
        submitted: p.submitted,
        failed: p.failed,
        unknown: p.unknown,
        queued: p.queued + p.sending,
        blocked: p.blocked(),
        created_at: engine::clock::display(c.created_at),
        scheduled_at: time(c.scheduled_at),
        started_at: time(c.started_at),
        finished_at: time(c.finished_at),
    }
}

pub async fn detail(state: &ServerState, c: &Campaign, p: &Progress) -> Result<CampaignDetail, AppError> {
    let segment =
        engine::segments::get(&state.db, c.segment_id).await?.map(|s| s.name).unwrap_or_else(|| "（已删除）".into());
    let content = match &c.content {
        Content::Text(t) => t.clone(),
        Content::Template { id, params } => format!("模板 {id}（参数：{}）", params.join("，")),
    };
    let elapsed = c.started_at.map(|s| (c.finished_at.unwrap_or_else(engine::clock::now) - s).max(1));
    let rate = elapsed.filter(|_| p.submitted > 0).map(|e| p.submitted as f64 / e as f64);
    let eta_secs = rate
        .filter(|r| *r > 0.0 && c.status == Status::Sending)
        .map(|r| ((p.queued + p.sending) as f64 / r).ceil() as u64);
    Ok(CampaignDetail {
        row: row(&state.db, c, p),
        segment,
        signature: c.signature.clone(),
        content,
        units: c.units,
        rate,
        eta_secs,
    })
}
