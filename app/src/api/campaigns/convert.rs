//! Between the builder's form and the engine's campaign types.

use crate::dto::campaign::{BindingForm, BuilderOptions, CampaignDetail, CampaignForm, CampaignRow, VendorOption};
use crate::error::AppError;
use crate::state::ServerState;
use engine::campaigns::{Binding, Campaign, CampaignInput, Progress, Status, Vendor};
use engine::compliance::{MessageKind, Window};
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
    Ok(BuilderOptions { segments, vendors, attributes, window: policy.window.label(), daily_cap: policy.daily_cap })
}

/// The engine input and whether it goes to the sandbox, or field errors in Chinese.
pub async fn input(state: &ServerState, f: &CampaignForm) -> Result<(CampaignInput, bool), AppError> {
    let mut errors = Vec::new();
    let mut push =
        |field: &str, m: &str| errors.push(crate::dto::FieldError { field: field.into(), message: m.into() });
    if f.segment_id.is_none() {
        push("segment", "请选择分群");
    }
    let vendor = Vendor::parse(&f.vendor);
    let kind = match f.kind.as_str() {
        "" => MessageKind::Marketing,
        k => MessageKind::parse(k).unwrap_or_else(|| {
            push("kind", "请选择短信类型：营销或通知/行业");
            MessageKind::Marketing
        }),
    };
    if vendor.is_none() {
        push("vendor", "请选择短信服务商");
    }
    let signature = f.signature.trim().trim_start_matches('【').trim_end_matches('】').to_owned();
    let content = if f.mode == "template" {
        let params =
            f.template_params.split([',', '，']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        Content::Template { id: f.template_id.trim().to_owned(), params }
    } else {
        if vendor == Some(Vendor::Aliyun) {
            push("content", "阿里云只能按模板 CODE 发送，请切换到“模板”");
        }
        Content::Text(f.content.trim().to_owned())
    };
    let window = window(&f.window_start, &f.window_end).unwrap_or_else(|m| {
        push("window", &m);
        None
    });
    let scheduled_at = schedule(&f.schedule).unwrap_or_else(|m| {
        push("schedule", &m);
        None
    });
    let bindings = f.bindings.iter().map(binding).collect();
    let input = CampaignInput {
        name: f.name.trim().to_owned(),
        segment_id: f.segment_id.unwrap_or_default(),
        vendor: vendor.unwrap_or(Vendor::Chuanglan),
        signature,
        content,
        bindings,
        scheduled_at,
        kind,
        window,
    };
    // The form's own parse errors first, then the campaign rules (engine, shared with the API).
    errors.extend(
        engine::campaigns::field_errors(&input)
            .into_iter()
            .map(|e| crate::dto::FieldError { field: e.field, message: e.message }),
    );
    if !errors.is_empty() {
        return Err(AppError::Validation { errors }.with_status());
    }
    let sandbox = vendor == Some(Vendor::Chuanglan) && engine::settings::chuanglan::sandbox(&state.db).await?;
    Ok((input, sandbox))
}

fn binding(b: &BindingForm) -> Binding {
    let fallback = (!b.skip).then(|| b.fallback.trim().to_owned());
    Binding { attribute: b.attribute.trim().to_owned(), fallback }
}

/// The per-campaign window override: both `HH:MM` or both empty (its rules are checked with
/// the campaign's, `engine::campaigns::field_errors`).
fn window(start: &str, end: &str) -> Result<Option<Window>, String> {
    use engine::compliance::window::parse_hhmm;
    if start.trim().is_empty() && end.trim().is_empty() {
        return Ok(None);
    }
    let (Some(start), Some(end)) = (parse_hhmm(start), parse_hhmm(end)) else {
        return Err("发送时段格式应为 08:00 和 21:00（北京时间）".into());
    };
    Ok(Some(Window { start, end }))
}

fn schedule(raw: &str) -> Result<Option<i64>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    match engine::users::values::parse(engine::users::AttrType::Datetime, raw.trim()) {
        Ok(engine::users::Value::Time(t)) if t > engine::clock::now() => Ok(Some(t)),
        Ok(_) => Err("定时发送的时间应晚于现在".into()),
        Err(_) => Err("时间格式应为 2024-05-20 08:30".into()),
    }
}

/// A campaign that is not stored, for previews.
pub fn transient(input: &CampaignInput, sandbox: bool) -> Campaign {
    Campaign {
        id: 0,
        name: input.name.clone(),
        segment_id: input.segment_id,
        vendor: input.vendor,
        sandbox,
        signature: input.signature.clone(),
        content: input.content.clone(),
        bindings: input.bindings.clone(),
        kind: input.kind,
        window: input.window,
        resume_at: None,
        status: Status::Draft,
        status_reason: None,
        scheduled_at: input.scheduled_at,
        planned: None,
        units: None,
        created_by: String::new(),
        created_at: engine::clock::now(),
        started_at: None,
        finished_at: None,
    }
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

/// Values for a test send: those of the first member who would receive the campaign, else the
/// fallbacks (a variable without either is an error).
pub async fn sample_values(state: &ServerState, c: &Campaign) -> Result<Vec<String>, AppError> {
    let (_, samples) = engine::campaigns::preview_values(&state.segments, &state.db, c).await?;
    if let Some(values) = samples {
        return Ok(values);
    }
    c.bindings
        .iter()
        .map(|b| {
            b.fallback.clone().ok_or_else(|| {
                AppError::field("bindings", "分群中没有可用的用户，请为每个变量填写缺省值后再测试发送").with_status()
            })
        })
        .collect()
}

pub fn accounts(state: &ServerState) -> crate::sending::VendorAccounts {
    crate::sending::VendorAccounts {
        db: state.db.clone(),
        key: state.key.clone(),
        sandbox: state.sandbox.clone(),
        chuanglan: state.chuanglan.clone(),
        aliyun: state.aliyun.clone(),
    }
}
