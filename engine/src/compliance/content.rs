//! Content rules by message type. Marketing content ends with the refusal method 拒收请回复R
//! (Chuanglan §3: the very last characters, upper-case R; 创蓝 code 158 otherwise; 阿里云
//! 推广 templates end with it too); notification content must not carry it; the signature is
//! the only 【…】 of a message (Chuanglan §3), so the content has none of its own.

use super::MessageKind;

/// The refusal method vendors require at the end of every marketing message.
pub const SUFFIX: &str = "拒收请回复R";

/// Whether `text` ends with the suffix (trailing whitespace ignored).
pub fn ends_with_suffix(text: &str) -> bool {
    text.trim_end().ends_with(SUFFIX)
}

/// `content` with the suffix appended when it lacks it (a space between, as vendors show it).
pub fn with_suffix(content: &str) -> String {
    if ends_with_suffix(content) {
        return content.to_owned();
    }
    let body = content.trim_end();
    let body = body.strip_suffix("拒收请回复r").unwrap_or(body).trim_end();
    format!("{body} {SUFFIX}")
}

/// The problems of free-text `content` for `kind`, in Chinese (empty when it may be sent).
pub fn content_errors(kind: MessageKind, content: &str) -> Vec<String> {
    let mut out = Vec::new();
    if content.contains('【') || content.contains('】') {
        out.push("内容中不能出现【】：签名会自动加在开头，内容里不能再有其他【】".to_owned());
    }
    match kind {
        MessageKind::Marketing if !ends_with_suffix(content) => {
            let lower = content.trim_end().ends_with("拒收请回复r");
            out.push(if lower {
                "营销短信须以“拒收请回复R”结尾，R 需大写".to_owned()
            } else {
                "营销短信须以“拒收请回复R”结尾（创蓝营销账号会以 158 拒绝），可点击“添加退订语”".to_owned()
            });
        }
        MessageKind::Notification if content.contains(SUFFIX) => {
            out.push("通知短信不能包含“拒收请回复R”：带退订语的短信按营销短信处理，请改选“营销”".to_owned());
        }
        _ => {}
    }
    out
}

/// The problems of a vendor template's text (when the vendor tells it, e.g. Aliyun
/// `QuerySmsTemplate`) and type for a campaign of `kind`.
pub fn template_errors(kind: MessageKind, text: &str, marketing_template: Option<bool>) -> Vec<String> {
    let mut out = Vec::new();
    match (kind, marketing_template) {
        (MessageKind::Marketing, Some(false)) => {
            out.push("该模板不是推广短信模板，不能用于营销短信；请选“通知/行业”或换用推广模板".to_owned())
        }
        (MessageKind::Notification, Some(true)) => {
            out.push("该模板是推广短信模板，应按“营销”发送（适用发送时段、频次和退订名单）".to_owned())
        }
        _ => {}
    }
    match kind {
        MessageKind::Marketing if !text.is_empty() && !ends_with_suffix(text) => {
            out.push("模板内容没有以“拒收请回复R”结尾，营销短信会被拒绝；请在服务商后台修改模板".to_owned())
        }
        MessageKind::Notification if text.contains(SUFFIX) => out.push("通知模板不能包含“拒收请回复R”".to_owned()),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marketing_needs_the_suffix_at_the_very_end() {
        assert!(content_errors(MessageKind::Marketing, "会员日满100减20 拒收请回复R").is_empty());
        assert!(content_errors(MessageKind::Marketing, "会员日满100减20 拒收请回复R  ").is_empty());
        let e = content_errors(MessageKind::Marketing, "拒收请回复R 会员日满100减20");
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(content_errors(MessageKind::Marketing, "会员日 拒收请回复r")[0].contains("大写"));
    }

    #[test]
    fn notifications_must_not_carry_it_and_nothing_carries_brackets() {
        assert!(content_errors(MessageKind::Notification, "您的订单已发货").is_empty());
        assert_eq!(content_errors(MessageKind::Notification, "您的订单已发货 拒收请回复R").len(), 1);
        assert_eq!(content_errors(MessageKind::Notification, "【顺丰】您的订单已发货").len(), 1);
    }

    #[test]
    fn appending_is_idempotent_and_fixes_a_lower_case_r() {
        assert_eq!(with_suffix("满100减20"), "满100减20 拒收请回复R");
        assert_eq!(with_suffix("满100减20 拒收请回复R"), "满100减20 拒收请回复R");
        assert_eq!(with_suffix("满100减20 拒收请回复r"), "满100减20 拒收请回复R");
    }

    #[test]
    fn templates_are_checked_by_type_and_text() {
        assert!(template_errors(MessageKind::Marketing, "积分到期 拒收请回复R", Some(true)).is_empty());
        assert_eq!(template_errors(MessageKind::Marketing, "积分到期", Some(true)).len(), 1);
        assert_eq!(template_errors(MessageKind::Marketing, "验证码${code}", Some(false)).len(), 2);
        assert_eq!(template_errors(MessageKind::Notification, "积分到期 拒收请回复R", Some(true)).len(), 2);
    }
}
