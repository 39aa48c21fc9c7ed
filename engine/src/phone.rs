//! Mainland mobile numbers: normalization (spaces, dashes, `+86`/`0086`/`86` prefixes) and
//! validation (`1[3-9]` + 9 digits), and masking for logs and lists (`138****5678`).

/// Why a value is not a mainland mobile number, in Chinese for the operator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("号码为空")]
    Empty,
    #[error("号码包含非数字字符")]
    NotDigits,
    #[error("号码应为 11 位")]
    WrongLength,
    #[error("不是中国大陆手机号（应以 13–19 开头）")]
    NotMobile,
}

/// Normalizes a typed or imported number to 11 digits, or says why it is not a mobile number.
pub fn normalize(raw: &str) -> Result<String, PhoneError> {
    let compact: String = raw.chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}' | '(' | ')' | '\t')).collect();
    if compact.is_empty() {
        return Err(PhoneError::Empty);
    }
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .or_else(|| compact.strip_prefix("86").filter(|r| r.len() == 11))
        .unwrap_or(&compact);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(PhoneError::NotDigits);
    }
    if digits.len() != 11 {
        return Err(PhoneError::WrongLength);
    }
    let second = digits.as_bytes()[1];
    if !digits.starts_with('1') || !(b'3'..=b'9').contains(&second) {
        return Err(PhoneError::NotMobile);
    }
    Ok(digits.to_owned())
}

/// Masks the middle of a phone number, keeping the first three and last four digits.
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eleven_digit_number_keeps_prefix_and_suffix() {
        assert_eq!(mask("13812345678"), "138****5678");
    }

    #[test]
    fn a_short_value_is_masked_entirely() {
        assert_eq!(mask("12345"), "*****");
    }

    #[test]
    fn prefixes_and_separators_are_removed() {
        for raw in
            ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "008613812345678", "8613812345678"]
        {
            assert_eq!(normalize(raw).as_deref(), Ok("13812345678"), "{raw}");
        }
    }

    #[test]
    fn non_mobile_values_are_explained() {
        assert_eq!(normalize(""), Err(PhoneError::Empty));
        assert_eq!(normalize("1381234567a"), Err(PhoneError::NotDigits));
        assert_eq!(normalize("1381234567"), Err(PhoneError::WrongLength));
        assert_eq!(normalize("12812345678"), Err(PhoneError::NotMobile));
        assert_eq!(normalize("02112345678"), Err(PhoneError::NotMobile));
    }
}
