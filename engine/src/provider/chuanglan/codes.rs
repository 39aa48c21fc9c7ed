//! Every submit code of Chuanglan §9 (plus the extra codes listed in §16) mapped to a class and
//! a Chinese explanation. RETRY → Retryable; DEFER and account-level FIX → Configuration;
//! recipient/content FIX → Permanent. Unknown non-zero codes are Permanent (§9: "treat as FIX").

use crate::provider::{ErrorClass, ProviderError};
use ErrorClass::{Configuration as Config, Permanent as Perm, Retryable as Retry};

/// (code, class, explanation). Kept as one table so tests can check every row.
pub const TABLE: &[(&str, ErrorClass, &str)] = &[
    ("101", Config, "账号不存在或已关闭：请核对创蓝 API 账号（不是网页登录账号）"),
    ("102", Config, "密码错误：请核对创蓝 API 密码（不是网页登录密码）"),
    ("103", Retry, "提交过快，超过账号的发送速率，系统会降速后重试"),
    ("104", Retry, "创蓝平台繁忙，系统会稍后重试"),
    ("105", Perm, "短信内容包含敏感词，请修改内容"),
    ("106", Perm, "短信长度不正确（含签名需在 1–536 字之间）"),
    ("107", Perm, "包含无效的手机号码"),
    ("108", Perm, "手机号数量不正确（每次 1–1000 个）"),
    ("109", Config, "账户余额不足，请在创蓝充值后再发送"),
    ("110", Config, "不在账号允许的发送时间段内，请在允许的时段发送"),
    ("111", Config, "账号当月发送量已超出限额"),
    ("112", Config, "账号未开通该产品，请联系创蓝开通"),
    ("113", Perm, "扩展码格式错误（只能是数字，长度过长）"),
    ("114", Perm, "变量参数组数量不正确（每次 1–1000 组，变量不超过 20 个）"),
    ("115", Perm, "内容未通过自动审核"),
    ("116", Config, "签名不合法或未带签名：请确认签名已在创蓝后台报备通过"),
    ("117", Config, "服务器 IP 不在创蓝白名单中：请在创蓝后台绑定本服务器的公网出口 IP"),
    ("118", Config, "账号没有发送权限，请联系创蓝"),
    ("119", Config, "账号已过期，请联系创蓝"),
    ("120", Config, "触发防骚扰策略（超出日发送上限），请明天再发"),
    ("123", Perm, "发送类型错误"),
    ("124", Perm, "白模板匹配错误"),
    ("125", Perm, "内容匹配到已驳回的模板，提交失败"),
    ("127", Perm, "定时发送时间格式错误"),
    ("128", Perm, "内容编码失败"),
    ("129", Perm, "请求 JSON 格式错误"),
    ("130", Perm, "请求参数错误（缺少必填参数）"),
    ("133", Perm, "单个手机号错误"),
    ("134", Config, "触发防骚扰策略（超出月发送上限）"),
    ("135", Perm, "同一号码相同内容发送次数超限"),
    ("136", Perm, "验证码类短信不能批量提交"),
    ("139", Config, "超出安全发送时间"),
    ("140", Perm, "短信内容解密错误"),
    ("144", Config, "产品未上线，日发送量受限"),
    ("145", Config, "验签失败：请核对账号和密码"),
    ("152", Perm, "模板不存在：请核对模板 ID"),
    ("153", Perm, "消息长度错误"),
    ("154", Perm, "长短信拼接错误"),
    ("155", Retry, "转发失败，系统会稍后重试"),
    ("158", Perm, "退订语不合规：营销短信须以“拒收请回复R”结尾"),
    ("159", Config, "触发反轰炸策略"),
];

/// Classifies a non-success `code`.
pub fn classify(code: &str) -> ProviderError {
    match TABLE.iter().find(|(c, _, _)| *c == code) {
        Some((c, class, text)) => ProviderError::new(*class, *c, *text),
        None => ProviderError::new(Perm, code, format!("创蓝返回未知错误码 {code}，请联系创蓝确认")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_of_the_spec_table_is_mapped() {
        let spec_codes = [
            101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 123,
            124, 125, 127, 128, 129, 130, 133, 134, 135, 136, 158,
        ];
        for code in spec_codes {
            let code = code.to_string();
            assert!(TABLE.iter().any(|(c, _, _)| *c == code), "code {code} missing");
        }
    }

    #[test]
    fn credentials_and_balance_need_the_operator() {
        for code in ["101", "102", "109", "116", "117"] {
            assert_eq!(classify(code).class, Config, "{code}");
        }
    }

    #[test]
    fn busy_and_throttled_are_retryable() {
        assert_eq!(classify("103").class, Retry);
        assert_eq!(classify("104").class, Retry);
    }

    #[test]
    fn an_unknown_code_is_permanent_and_named() {
        let e = classify("999");
        assert_eq!(e.class, Perm);
        assert!(e.explanation.contains("999"));
    }
}
