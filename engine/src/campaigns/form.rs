//! The builder's form (`types::CampaignForm`, spoken by the console and the REST API) to a
//! `CampaignInput`: window, schedule, signature, template parameters and bindings parsed, then
//! the campaign rules of `field_errors` — all mistakes returned together as field errors.

use super::{field_errors, Binding, Campaign, CampaignError, CampaignInput, Status, Vendor};
use crate::compliance::{MessageKind, Window};
use crate::provider::Content;
use crate::validate::FieldError;
use types::{BindingForm, CampaignForm};

/// The input `f` describes, or every field error it has (form parsing first, then the rules).
pub fn parse(f: &CampaignForm) -> Result<CampaignInput, CampaignError> {
    let mut errors = Vec::new();
    let mut push = |field: &str, m: &str| errors.push(FieldError::new(field, m));
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
    if f.mode != "template" && vendor == Some(Vendor::Aliyun) {
        push("content", "阿里云只能按模板 CODE 发送，请切换到“模板”");
    }
    let window = window(&f.window_start, &f.window_end).unwrap_or_else(|m| {
        push("window", &m);
        None
    });
    let scheduled_at = schedule(&f.schedule).unwrap_or_else(|m| {
        push("schedule", &m);
        None
    });
    let input = CampaignInput {
        name: f.name.trim().to_owned(),
        segment_id: f.segment_id.unwrap_or_default(),
        vendor: vendor.unwrap_or(Vendor::Chuanglan),
        signature: f.signature.trim().trim_start_matches('【').trim_end_matches('】').to_owned(),
        content: content(f),
        bindings: f.bindings.iter().map(binding).collect(),
        scheduled_at,
        kind,
        window,
    };
    errors.extend(field_errors(&input));
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(CampaignError::Fields(errors))
    }
}

fn content(f: &CampaignForm) -> Content {
    if f.mode == "template" {
        let params =
            f.template_params.split([',', '，']).map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
        Content::Template { id: f.template_id.trim().to_owned(), params }
    } else {
        Content::Text(f.content.trim().to_owned())
    }
}

fn binding(b: &BindingForm) -> Binding {
    let fallback = (!b.skip).then(|| b.fallback.trim().to_owned());
    Binding { attribute: b.attribute.trim().to_owned(), fallback }
}

/// The per-campaign window override: both `HH:MM` or both empty (its rules are checked with
/// the campaign's, `field_errors`).
fn window(start: &str, end: &str) -> Result<Option<Window>, String> {
    use crate::compliance::window::parse_hhmm;
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
    match crate::users::values::parse(crate::users::AttrType::Datetime, raw.trim()) {
        Ok(crate::users::Value::Time(t)) if t > crate::clock::now() => Ok(Some(t)),
        Ok(_) => Err(format!(
            "定时时间已过：请选择晚于现在（北京时间 {}）的时间",
            crate::clock::display(crate::clock::now())
        )),
        Err(_) => Err("定时时间格式应为 年-月-日 时:分（北京时间），例如 2030-05-20 08:30".into()),
    }
}

impl Campaign {
    /// A campaign that is not stored, for previews and test sends.
    pub fn draft(input: &CampaignInput, sandbox: bool) -> Campaign {
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
            created_at: crate::clock::now(),
            started_at: None,
            finished_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CampaignForm {
        CampaignForm {
            name: "双十一".into(),
            segment_id: Some(1),
            vendor: "chuanglan".into(),
            signature: "【测试】".into(),
            content: "您好{$var}，拒收请回复R".into(),
            bindings: vec![BindingForm { attribute: "name".into(), fallback: "会员".into(), skip: false }],
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_parses_with_the_signature_unwrapped() {
        let input = parse(&form()).expect("valid");
        assert_eq!(input.signature, "测试");
        assert_eq!(input.kind, MessageKind::Marketing);
        assert_eq!(input.bindings[0].fallback.as_deref(), Some("会员"));
    }

    #[test]
    fn every_mistake_is_reported_at_once_by_field() {
        let f = CampaignForm {
            segment_id: None,
            vendor: "aliyun".into(),
            schedule: "2020-01-01 08:00".into(),
            window_start: "8点".into(),
            ..form()
        };
        let Err(CampaignError::Fields(errors)) = parse(&f) else { panic!("expected field errors") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in ["segment", "content", "window", "schedule"] {
            assert!(fields.contains(&field), "{field} missing in {fields:?}");
        }
    }
}
