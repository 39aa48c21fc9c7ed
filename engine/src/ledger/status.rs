//! The status vocabulary of the ledger: every message state, submit code and delivery-report
//! status of both vendors mapped to a category with a plain Chinese explanation and what the
//! operator can do next.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Queued,
    Sending,
    Pending,
    Delivered,
    Timeout,
    FailedNumber,
    FailedCarrier,
    FailedContent,
    FailedAccount,
    FailedOther,
    Unknown,
    Cancelled,
    /// Compliance kept it from going out: suppression list, frequency cap, missing consent.
    Suppressed,
    Capped,
    NoConsent,
}

impl Category {
    pub const ALL: [Category; 15] = [
        Category::Queued,
        Category::Sending,
        Category::Pending,
        Category::Delivered,
        Category::Timeout,
        Category::FailedNumber,
        Category::FailedCarrier,
        Category::FailedContent,
        Category::FailedAccount,
        Category::FailedOther,
        Category::Unknown,
        Category::Cancelled,
        Category::Suppressed,
        Category::Capped,
        Category::NoConsent,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Queued => "queued",
            Category::Sending => "sending",
            Category::Pending => "pending",
            Category::Delivered => "delivered",
            Category::Timeout => "timeout",
            Category::FailedNumber => "failed_number",
            Category::FailedCarrier => "failed_carrier",
            Category::FailedContent => "failed_content",
            Category::FailedAccount => "failed_account",
            Category::FailedOther => "failed_other",
            Category::Unknown => "unknown",
            Category::Cancelled => "cancelled",
            Category::Suppressed => "suppressed",
            Category::Capped => "capped",
            Category::NoConsent => "no_consent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Queued => "排队中",
            Category::Sending => "发送中",
            Category::Pending => "等待回执",
            Category::Delivered => "已送达",
            Category::Timeout => "超时未回执",
            Category::FailedNumber => "失败-号码问题",
            Category::FailedCarrier => "失败-运营商拦截",
            Category::FailedContent => "失败-内容/签名",
            Category::FailedAccount => "失败-余额/账户",
            Category::FailedOther => "失败-其他",
            Category::Unknown => "提交结果未知",
            Category::Cancelled => "已取消",
            Category::Suppressed => "已退订未发",
            Category::Capped => "超频未发",
            Category::NoConsent => "无营销同意未发",
        }
    }

    /// Kept from going out by a compliance rule.
    pub fn is_blocked(self) -> bool {
        matches!(self, Category::Suppressed | Category::Capped | Category::NoConsent)
    }

    pub fn is_failure(self) -> bool {
        matches!(
            self,
            Category::FailedNumber
                | Category::FailedCarrier
                | Category::FailedContent
                | Category::FailedAccount
                | Category::FailedOther
        )
    }

    /// What the operator can do about a message in this category.
    pub fn advice(self) -> &'static str {
        match self {
            Category::Queued | Category::Sending => "活动仍在发送，稍后刷新查看。",
            Category::Pending => "供应商已接收，运营商回执通常在几秒到几分钟内到达。",
            Category::Delivered => {
                "运营商确认已送达手机。若用户仍说没收到，请让其检查手机的短信拦截/骚扰拦截和信息过滤设置。"
            }
            Category::Timeout => "供应商已接收但一直没有回执。可在供应商后台按 msgId 查询；如需补发请使用“重发失败”。",
            Category::FailedNumber => {
                "号码本身有问题（空号、停机、关机过久或号码错误）。请核对用户的手机号，修正后可重发。"
            }
            Category::FailedCarrier => {
                "运营商或通道拦截（黑名单、投诉拦截、网关拒绝）。不要频繁重发；可让用户联系运营商解除拦截，或换通道。"
            }
            Category::FailedContent => "内容或签名未通过审核。请修改内容/签名（或在供应商后台报备模板）后重发。",
            Category::FailedAccount => {
                "供应商账户问题（余额、权限、IP 白名单、频率限制）。请在供应商后台处理后，用“重发失败”补发。"
            }
            Category::FailedOther => {
                "供应商或运营商返回了其他失败原因，见原始代码。可稍后重发，或把 msgId 提供给供应商排查。"
            }
            Category::Unknown => {
                "发送请求的结果未知（超时或进程中断），为避免重复发送不会自动重发；回执到达后会自动更正。"
            }
            Category::Cancelled => "活动已取消，这条短信没有发送。",
            Category::Suppressed => {
                "号码在退订名单中，营销短信不会发送给它。只有用户本人重新同意后，管理员才能在“退订名单”中移除。"
            }
            Category::Capped => {
                "该号码当天（或近 7 天）收到的营销短信已达合规设置的上限，这条没有发送。上限可在“合规设置”中调整。"
            }
            Category::NoConsent => "该用户没有营销同意记录，按合规设置不发送营销短信。导入同意属性后再发送。",
        }
    }
}

/// A delivery-report status (Chuanglan §10, Aliyun §7 `err_code`) as category + explanation.
pub fn of_report(status: &str, desc: &str) -> (Category, String) {
    let s = status.trim();
    let (cat, text) = match s {
        "DELIVRD" | "DELIVERED" => (Category::Delivered, "已送达手机"),
        "UNDELIV" => (Category::FailedNumber, "无法送达：被叫关机、停机、欠费、空号或号码错误"),
        "EXPIRED" => (Category::FailedNumber, "超过有效期仍未送达：手机长时间关机或不在服务区"),
        "MBBLACK" | "DTBLACK" => (Category::FailedCarrier, "号码在运营商或通道的黑名单中"),
        "REJECTD" => (Category::FailedCarrier, "被运营商短信中心拒绝"),
        "REJECT" => (Category::FailedContent, "被创蓝内容审核驳回"),
        "UNKNOWN" => (Category::FailedOther, "运营商没有给出明确结果（未知状态）"),
        "ERR:104" => (Category::FailedOther, "平台繁忙导致失败"),
        _ => return of_other_report(s, desc),
    };
    (cat, text.to_owned())
}

fn of_other_report(s: &str, desc: &str) -> (Category, String) {
    let upper = s.to_ascii_uppercase();
    let gateway = ["MK:", "MN:", "MI:", "MA:", "DB:", "CB:", "CA:", "HD:", "SM", "ID:", "IC:", "IB:"];
    let (cat, text) = if upper.contains("MOBILE") || upper.contains("NUMBER") || upper.contains("PHONE") {
        (Category::FailedNumber, "号码无效或无法接收")
    } else if upper.contains("BLACK") || upper.contains("COMPLAIN") {
        (Category::FailedCarrier, "号码在黑名单中或被投诉拦截")
    } else if upper.contains("CONTENT") || upper.contains("TEMPLATE") || upper.contains("SIGN") {
        (Category::FailedContent, "内容、模板或签名问题")
    } else if upper.contains("AMOUNT") || upper.contains("OUT_OF_SERVICE") || upper.contains("BALANCE") {
        (Category::FailedAccount, "供应商账户余额或状态问题")
    } else if gateway.iter().any(|p| upper.starts_with(p)) {
        (Category::FailedCarrier, "运营商网关内部状态（各运营商含义不同）")
    } else {
        (Category::FailedOther, "供应商返回的其他失败状态")
    };
    let desc = desc.trim();
    let text = if desc.is_empty() { format!("{text}（{s}）") } else { format!("{text}（{s}：{desc}）") };
    (cat, text)
}

/// A submit-time failure of a request (`code` from the batch, e.g. Chuanglan §9 or `http-503`).
pub fn of_submit_failure(code: &str) -> Category {
    match code {
        "107" | "133" | "isv.MOBILE_NUMBER_ILLEGAL" | "isv.MOBILE_COUNT_OVER_LIMIT" => Category::FailedNumber,
        "105" | "106" | "114" | "115" | "124" | "125" | "152" | "153" | "158" => Category::FailedContent,
        c if c.starts_with("isv.SMS_TEMPLATE") || c.starts_with("isv.SMS_SIGN") || c.contains("CONTENT") => {
            Category::FailedContent
        }
        c if c.starts_with("10") || c.starts_with("11") || c.starts_with("isv.") => {
            match crate::provider::chuanglan::codes::classify(c).class {
                crate::provider::ErrorClass::Configuration => Category::FailedAccount,
                _ => Category::FailedOther,
            }
        }
        _ => Category::FailedOther,
    }
}

/// The category of one message from its dispatch state and its latest report, if any.
/// `stale` says the message was submitted longer ago than the receipt timeout.
pub fn categorize(state: &str, code: Option<&str>, report: Option<&str>, stale: bool) -> Category {
    if let Some(status) = report {
        return of_report(status, "").0;
    }
    match state {
        "queued" => Category::Queued,
        "sending" => Category::Sending,
        "submitted" if stale => Category::Timeout,
        "submitted" => Category::Pending,
        "failed" => of_submit_failure(code.unwrap_or_default()),
        "unknown" => Category::Unknown,
        "suppressed" => Category::Suppressed,
        "capped" => Category::Capped,
        "no_consent" => Category::NoConsent,
        _ => Category::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chuanglan_report_status_has_a_category() {
        let table = [
            ("DELIVRD", Category::Delivered),
            ("UNKNOWN", Category::FailedOther),
            ("REJECTD", Category::FailedCarrier),
            ("MBBLACK", Category::FailedCarrier),
            ("REJECT", Category::FailedContent),
            ("UNDELIV", Category::FailedNumber),
            ("EXPIRED", Category::FailedNumber),
            ("DTBLACK", Category::FailedCarrier),
            ("ERR:104", Category::FailedOther),
            ("MK:0001", Category::FailedCarrier),
            ("MN:0017", Category::FailedCarrier),
            ("DB:0141", Category::FailedCarrier),
            ("SM11", Category::FailedCarrier),
        ];
        for (status, want) in table {
            let (got, text) = of_report(status, "");
            assert_eq!(got, want, "{status}");
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn aliyun_receipt_codes_have_categories() {
        assert_eq!(of_report("DELIVERED", "用户接收成功").0, Category::Delivered);
        assert_eq!(of_report("isv.MOBILE_NUMBER_ILLEGAL", "").0, Category::FailedNumber);
        assert_eq!(of_report("isv.BLACK_KEY_CONTROL_LIMIT", "").0, Category::FailedCarrier);
        let (c, text) = of_report("IB:0008", "网关错误");
        assert_eq!(c, Category::FailedCarrier);
        assert!(text.contains("IB:0008") && text.contains("网关错误"), "{text}");
    }

    #[test]
    fn every_chuanglan_submit_code_maps_to_a_failure_category() {
        for code in ["101", "102", "105", "107", "109", "116", "117", "133", "152", "158", "http-503", "zzz"] {
            assert!(of_submit_failure(code).is_failure(), "{code}");
        }
        assert_eq!(of_submit_failure("109"), Category::FailedAccount);
        assert_eq!(of_submit_failure("105"), Category::FailedContent);
        assert_eq!(of_submit_failure("107"), Category::FailedNumber);
    }

    #[test]
    fn states_without_reports_and_the_timeout() {
        assert_eq!(categorize("submitted", Some("0"), None, false), Category::Pending);
        assert_eq!(categorize("submitted", Some("0"), None, true), Category::Timeout);
        assert_eq!(categorize("submitted", Some("0"), Some("DELIVRD"), true), Category::Delivered);
        assert_eq!(categorize("unknown", None, None, true), Category::Unknown);
        assert_eq!(categorize("cancelled", None, None, false), Category::Cancelled);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
            assert!(!c.label().is_empty() && !c.advice().is_empty());
        }
    }
}
