//! Aliyun error codes (Aliyun §6) mapped to a class and a Chinese explanation. RETRY →
//! Retryable; DEFER and account-level FIX → Configuration; recipient/content FIX → Permanent.
//! Unknown `isv.*` → Permanent, unknown `isp.*` and others → Retryable (Aliyun §6 last line).

use crate::provider::{ErrorClass, ProviderError};
use ErrorClass::{Configuration as Config, Permanent as Perm, Retryable as Retry};

pub const TABLE: &[(&str, ErrorClass, &str)] = &[
    ("isp.SYSTEM_ERROR", Retry, "阿里云系统错误，系统会稍后重试"),
    ("isp.UNKNOWN_ERROR", Perm, "阿里云未知错误，常见原因是变量类型与模板不符，请检查变量"),
    ("Throttling.User", Retry, "调用频率超限，系统会降速后重试"),
    ("ServiceUnavailable", Retry, "阿里云服务暂不可用，系统会稍后重试"),
    ("InternalError", Retry, "阿里云内部错误，系统会稍后重试"),
    ("isv.BUSINESS_LIMIT_CONTROL", Perm, "该号码触发阿里云频率限制（分钟/小时/天级流控），今天不再发送"),
    ("isv.DAY_LIMIT_CONTROL", Config, "已达到阿里云控制台设置的日发送量上限"),
    ("isv.MONTH_LIMIT_CONTROL", Config, "已达到阿里云控制台设置的月发送量上限"),
    ("isv.AMOUNT_NOT_ENOUGH", Config, "阿里云账户余额不足，请充值"),
    ("isv.OUT_OF_SERVICE", Config, "阿里云短信业务已停机（余额不足），请充值"),
    ("isv.MOBILE_NUMBER_ILLEGAL", Perm, "手机号码格式不正确"),
    ("isv.MOBILE_COUNT_OVER_LIMIT", Perm, "单次提交的手机号数量超出限制"),
    ("isv.SMS_TEMPLATE_ILLEGAL", Config, "模板不存在、未审核通过或不属于此账号：请核对模板 CODE"),
    ("isv.SMS_SIGNATURE_ILLEGAL", Config, "签名不存在或未审核通过：请核对短信签名"),
    ("isv.SIGN_STATE_ILLEGAL", Config, "签名状态不可用"),
    ("isv.SMS_SIGNATURE_SCENE_ILLEGAL", Config, "签名类型与模板类型不匹配（验证码签名不能发通知或推广短信）"),
    ("isv.SMS_SIGN_ILLEGAL", Config, "签名被禁用"),
    ("isv.SMS_CONTENT_ILLEGAL", Perm, "短信内容包含违禁内容"),
    ("isv.BLACK_KEY_CONTROL_LIMIT", Perm, "命中黑名单关键字或号码管控"),
    ("isv.TEMPLATE_MISSING_PARAMETERS", Perm, "模板变量缺少参数值"),
    ("isv.TEMPLATE_PARAMS_ILLEGAL", Perm, "变量值包含违禁内容"),
    ("isv.INVALID_JSON_PARAM", Perm, "变量格式错误：变量值只能是字符串"),
    ("isv.INVALID_PARAMETERS", Perm, "参数错误"),
    ("isv.PARAM_LENGTH_LIMIT", Perm, "变量值超出长度限制"),
    ("isv.PARAM_NOT_SUPPORT_URL", Perm, "变量中不允许包含链接"),
    ("isv.EXTEND_CODE_ERROR", Config, "扩展码被多个签名使用"),
    ("isv.DOMESTIC_NUMBER_NOT_SUPPORTED", Perm, "国际/港澳台模板不能发送给中国大陆号码"),
    ("isv.DENY_IP_RANGE", Config, "服务器 IP 所在地区不允许发送国内短信"),
    ("isp.RAM_PERMISSION_DENY", Config, "RAM 子账号缺少短信权限（AliyunDysmsFullAccess）"),
    ("Forbidden.RAM", Config, "RAM 子账号缺少短信权限（AliyunDysmsFullAccess）"),
    ("isv.PRODUCT_UN_SUBSCRIPT", Config, "此阿里云账号未开通短信服务"),
    ("isv.PRODUCT_UNSUBSCRIBE", Config, "此阿里云账号未开通短信服务"),
    ("isv.ACCOUNT_NOT_EXISTS", Config, "阿里云账号不存在"),
    ("isv.ACCOUNT_ABNORMAL", Config, "阿里云账号异常"),
    ("InvalidAccessKeyId.NotFound", Config, "AccessKeyId 不存在：请核对 AccessKeyId"),
    ("SignatureDoesNotMatch", Config, "签名校验失败：AccessKeySecret 不正确"),
    ("InvalidTimeStamp.Expired", Retry, "请求时间戳过期：请校准服务器时间"),
    ("SignatureNonceUsed", Retry, "请求随机数重复，系统会重新发起"),
    ("InvalidVersion", Config, "接口版本错误"),
    ("InvalidAction.NotFound", Config, "接口不存在：请检查接口地址"),
    ("MissingSignName", Config, "缺少短信签名"),
];

pub fn classify(code: &str) -> ProviderError {
    if let Some((c, class, text)) = TABLE.iter().find(|(c, _, _)| *c == code) {
        return ProviderError::new(*class, *c, *text);
    }
    if code.starts_with("Throttling") {
        return ProviderError::new(Retry, code, "调用频率超限，系统会降速后重试");
    }
    if code.starts_with("Missing") {
        return ProviderError::new(Config, code, format!("缺少必填参数（{code}）"));
    }
    if code.starts_with("isv.") {
        return ProviderError::new(Perm, code, format!("阿里云返回错误 {code}"));
    }
    ProviderError::new(Retry, code, format!("阿里云返回错误 {code}，系统会重试一次"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_errors_need_the_operator() {
        for code in ["InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "isv.AMOUNT_NOT_ENOUGH"] {
            assert_eq!(classify(code).class, Config, "{code}");
        }
    }

    #[test]
    fn prefixes_decide_unknown_codes() {
        assert_eq!(classify("Throttling.Api").class, Retry);
        assert_eq!(classify("MissingTemplateCode").class, Config);
        assert_eq!(classify("isv.SOMETHING_NEW").class, Perm);
        assert_eq!(classify("isp.SOMETHING_NEW").class, Retry);
    }
}
