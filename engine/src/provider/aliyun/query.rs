//! Read-only operations: QuerySmsSign (§5.5), QuerySmsTemplate (§5.4), QuerySendDetails (§5.3).

use super::{Client, Credentials};
use crate::provider::{json, ProviderError};
use serde_json::Value;
use std::collections::BTreeMap;

/// Review status shared by signatures and templates: 0 审核中, 1 通过, 2 未通过, 10 已取消.
fn status_label(status: i64) -> &'static str {
    match status {
        0 => "审核中",
        1 => "审核通过",
        2 => "未通过",
        10 => "已取消",
        _ => "未知状态",
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignStatus {
    pub status: i64,
    pub reason: String,
}

impl SignStatus {
    pub fn label(&self) -> &'static str {
        status_label(self.status)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInfo {
    pub code: String,
    pub name: String,
    pub content: String,
    pub status: i64,
    pub reason: String,
    /// QuerySmsTemplate `TemplateType` (Aliyun §5.4: 0 验证码, 1 通知, 2 推广, 3 国际).
    pub template_type: Option<i64>,
}

impl TemplateInfo {
    /// Whether it is a 推广 (promotional) template, when Aliyun says.
    pub fn marketing(&self) -> Option<bool> {
        self.template_type.map(|t| t == 2)
    }

    /// Usable iff approved (Aliyun §5.4 client rule).
    pub fn approved(&self) -> bool {
        self.status == 1
    }

    pub fn label(&self) -> &'static str {
        status_label(self.status)
    }

    /// `${name}` parameter names in order of first appearance.
    pub fn params(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut rest = self.content.as_str();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = after[..end].to_owned();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
            rest = &after[end + 1..];
        }
        out
    }
}

/// One row of QuerySendDetails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendDetail {
    pub phone: String,
    /// 1 waiting for receipt, 2 failed, 3 delivered.
    pub send_status: i64,
    pub err_code: String,
    pub content: String,
    pub send_date: String,
    pub receive_date: String,
    pub out_id: String,
}

fn int(v: &Value, key: &str) -> i64 {
    json::text(v, key).and_then(|s| s.parse().ok()).unwrap_or(-1)
}

fn one(key: &str, value: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(key.to_owned(), value.to_owned())])
}

impl Client {
    /// QuerySmsSign: read-only and free; proves the AccessKey and shows the signature status.
    pub async fn query_sign(&self, creds: &Credentials) -> Result<SignStatus, ProviderError> {
        let answer = self.call(creds, "QuerySmsSign", one("SignName", &creds.config.signature)).await?;
        Ok(SignStatus { status: int(&answer, "SignStatus"), reason: json::text(&answer, "Reason").unwrap_or_default() })
    }

    /// QuerySmsTemplate: approval status, content and parameters of a TemplateCode.
    pub async fn query_template(&self, creds: &Credentials, code: &str) -> Result<TemplateInfo, ProviderError> {
        let answer = self.call(creds, "QuerySmsTemplate", one("TemplateCode", code)).await?;
        Ok(TemplateInfo {
            code: json::text(&answer, "TemplateCode").unwrap_or_else(|| code.to_owned()),
            name: json::text(&answer, "TemplateName").unwrap_or_default(),
            content: json::text(&answer, "TemplateContent").unwrap_or_default(),
            status: int(&answer, "TemplateStatus"),
            reason: json::text(&answer, "Reason").unwrap_or_default(),
            template_type: answer.get("TemplateType").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok())),
        })
    }

    /// QuerySendDetails for one phone on one day (`yyyyMMdd`), optionally one BizId; one page.
    pub async fn query_send_details(
        &self,
        creds: &Credentials,
        phone: &str,
        send_date: &str,
        biz_id: Option<&str>,
        page: u32,
    ) -> Result<(u64, Vec<SendDetail>), ProviderError> {
        let mut params = one("PhoneNumber", phone);
        params.insert("SendDate".into(), send_date.into());
        params.insert("PageSize".into(), "50".into());
        params.insert("CurrentPage".into(), page.max(1).to_string());
        if let Some(b) = biz_id {
            params.insert("BizId".into(), b.into());
        }
        let answer = self.call(creds, "QuerySendDetails", params).await?;
        let total = json::text(&answer, "TotalCount").and_then(|t| t.parse().ok()).unwrap_or(0);
        let rows = answer
            .get("SmsSendDetailDTOs")
            .and_then(|d| d.get("SmsSendDetailDTO"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let details = rows
            .iter()
            .map(|r| SendDetail {
                phone: json::text(r, "PhoneNum").unwrap_or_default(),
                send_status: int(r, "SendStatus"),
                err_code: json::text(r, "ErrCode").unwrap_or_default(),
                content: json::text(r, "Content").unwrap_or_default(),
                send_date: json::text(r, "SendDate").unwrap_or_default(),
                receive_date: json::text(r, "ReceiveDate").unwrap_or_default(),
                out_id: json::text(r, "OutId").unwrap_or_default(),
            })
            .collect();
        Ok((total, details))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_parameters_are_read_in_order_without_duplicates() {
        let t = TemplateInfo {
            code: "SMS_1".into(),
            name: String::new(),
            content: "尊敬的${name}，您的积分${points}将于${date}到期，${name}".into(),
            status: 1,
            reason: String::new(),
            template_type: Some(2),
        };
        assert_eq!(t.marketing(), Some(true));
        assert_eq!(t.params(), ["name", "points", "date"]);
        assert!(t.approved());
        assert_eq!(TemplateInfo { status: 0, ..t }.label(), "审核中");
    }
}
