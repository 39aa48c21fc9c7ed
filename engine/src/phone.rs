//! Mobile numbers as they appear in logs and lists: always masked (`138****5678`).

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
    use super::mask;

    #[test]
    fn an_eleven_digit_number_keeps_prefix_and_suffix() {
        assert_eq!(mask("13812345678"), "138****5678");
    }

    #[test]
    fn a_short_value_is_masked_entirely() {
        assert_eq!(mask("12345"), "*****");
    }
}
