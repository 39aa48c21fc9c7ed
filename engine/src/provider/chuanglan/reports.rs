//! Delivery reports: the pull answer (Chuanglan §7.1, `msgId`, `ret` number) and the push
//! callback query (§8.1, `msgid`, URL-encoded `statusDesc`, `length`/`Length`).

use crate::provider::{json, ErrorClass, ProviderError, Report};
use serde_json::Value;
use std::collections::HashMap;

pub fn parse_pulled(answer: &Value) -> Result<Vec<Report>, ProviderError> {
    if json::text(answer, "ret").as_deref() != Some("0") {
        let msg = json::text(answer, "error").unwrap_or_default();
        return Err(ProviderError::new(ErrorClass::Configuration, "pull-failed", format!("拉取状态报告失败：{msg}")));
    }
    let items = answer.get("result").and_then(Value::as_array).cloned().unwrap_or_default();
    Ok(items.iter().filter_map(from_json).collect())
}

fn from_json(v: &Value) -> Option<Report> {
    Some(Report {
        msg_id: json::text(v, "msgId")?,
        phone: json::text(v, "mobile")?,
        status: json::text(v, "status")?,
        status_desc: json::text(v, "statusDesc").unwrap_or_default(),
        report_time: json::text(v, "reportTime").unwrap_or_default(),
        notify_time: json::text(v, "notifyTime").unwrap_or_default(),
        uid: json::text(v, "uid"),
        length: json::text(v, "length").and_then(|l| l.parse().ok()),
    })
}

/// Reads one pushed report from the decoded query parameters; `None` if required ones are missing.
pub fn parse_pushed(query: &HashMap<String, String>) -> Option<Report> {
    let get = |k: &str| query.get(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    Some(Report {
        msg_id: get("msgid")?,
        phone: get("mobile")?,
        status: get("status")?,
        status_desc: get("statusDesc").unwrap_or_default(),
        report_time: get("reportTime").unwrap_or_default(),
        notify_time: get("notifyTime").unwrap_or_default(),
        uid: get("uid"),
        length: get("length").or_else(|| get("Length")).and_then(|l| l.parse().ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_spec_pull_example_parses() {
        let answer = json!({"ret":0,"result":[{"msgId":"24052016300108812","mobile":"13800138000","status":"DELIVRD","statusDesc":"短信发送成功","reportTime":"2405201630","notifyTime":" 240520163012","uid":"seg42-run7","length":"1"},{"msgId":"24052016300108812","mobile":"13900139000","status":"UNDELIV","statusDesc":"x","reportTime":"2405201631","notifyTime":"240520163107","length":"1"}]});
        let r = parse_pulled(&answer).expect("ok");
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].status.as_str(), r[0].notify_time.as_str(), r[0].length),
            ("DELIVRD", "240520163012", Some(1))
        );
        assert_eq!(r[1].uid, None);
    }

    #[test]
    fn a_pull_failure_is_reported() {
        assert!(parse_pulled(&json!({"ret":1,"error":"账号和密码不能为空"})).is_err());
    }

    #[test]
    fn a_pushed_report_accepts_either_length_case() {
        let q: HashMap<String, String> =
            [("msgid", "1"), ("mobile", "13800138000"), ("status", "DELIVRD"), ("Length", "2"), ("statusDesc", "成功")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let r = parse_pushed(&q).expect("report");
        assert_eq!((r.length, r.uid), (Some(2), None));
        let mut missing = q.clone();
        missing.remove("msgid");
        assert!(parse_pushed(&missing).is_none());
    }
}
