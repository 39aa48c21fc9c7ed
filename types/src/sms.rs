//! SMS text rules shared by vendors and the simulator: `{$var}` slots (Chuanglan §5),
//! signature placement (Chuanglan §3: `【签名】` once, at the very start), length and billing
//! units (Chuanglan §13 / Aliyun §8: ≤ 70 characters is one unit, longer is ⌈len / 67⌉).

/// The Chuanglan placeholder, written literally.
pub const SLOT: &str = "{$var}";
/// Chuanglan allows at most 20 placeholders per message (Chuanglan §5.1).
pub const MAX_SLOTS: usize = 20;
/// Maximum `msg` length including the signature (Chuanglan §3). The spec notes a 1036 claim
/// from one third-party source; 536 is the official figure and the default.
pub const DEFAULT_MAX_LEN: usize = 536;

pub fn slot_count(content: &str) -> usize {
    content.matches(SLOT).count()
}

/// `【签名】` + content, removing a copy of the same signature the operator may have typed.
pub fn with_signature(signature: &str, content: &str) -> String {
    let tag = format!("【{signature}】");
    let body = content.trim_start().strip_prefix(tag.as_str()).unwrap_or(content.trim_start());
    format!("{tag}{body}")
}

/// Replaces the slots in order; missing values leave the slot empty.
pub fn render(content: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(content.len() + 16 * values.len());
    let mut rest = content;
    let mut i = 0;
    while let Some(pos) = rest.find(SLOT) {
        out.push_str(&rest[..pos]);
        out.push_str(values.get(i).map(String::as_str).unwrap_or(""));
        rest = &rest[pos + SLOT.len()..];
        i += 1;
    }
    out.push_str(rest);
    out
}

/// Characters as billed: every character (CJK, letter, digit, punctuation, space) counts 1.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// Billing units of a message of `len` characters (signature included).
pub fn billing_units(len: usize) -> u32 {
    if len <= 70 {
        1
    } else {
        len.div_ceil(67) as u32
    }
}

/// Values cannot carry the group separators of the variable endpoint (Chuanglan §5.1: no
/// escaping exists), so ASCII `,` and `;` become their full-width forms.
pub fn sanitize_value(value: &str) -> String {
    value.replace(',', "，").replace(';', "；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_prepended_once() {
        assert_eq!(with_signature("示例商城", "您好"), "【示例商城】您好");
        assert_eq!(with_signature("示例商城", "【示例商城】您好"), "【示例商城】您好");
        assert_eq!(with_signature("示例商城", "  【示例商城】您好"), "【示例商城】您好");
    }

    #[test]
    fn slots_are_counted_and_rendered_in_order() {
        let t = "尊敬的{$var}，您的积分{$var}将于{$var}到期";
        assert_eq!(slot_count(t), 3);
        let v: Vec<String> = ["王女士", "1200", "6月30日"].map(String::from).to_vec();
        assert_eq!(render(t, &v), "尊敬的王女士，您的积分1200将于6月30日到期");
    }

    #[test]
    fn billing_follows_70_then_67() {
        for (len, units) in [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (536, 8)] {
            assert_eq!(billing_units(len), units, "{len}");
        }
    }

    #[test]
    fn separators_in_values_become_full_width() {
        assert_eq!(sanitize_value("a,b;c"), "a，b；c");
    }
}
