//! Attribute types, parsing of imported text into typed values, and type inference.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    String,
    Number,
    Boolean,
    Datetime,
}

impl AttrType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Number => "number",
            Self::Boolean => "boolean",
            Self::Datetime => "datetime",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "string" => Some(Self::String),
            "number" => Some(Self::Number),
            "boolean" => Some(Self::Boolean),
            "datetime" => Some(Self::Datetime),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::String => "文本",
            Self::Number => "数字",
            Self::Boolean => "布尔",
            Self::Datetime => "日期时间",
        }
    }
}

/// Type choices for new columns, as typed by an operator: `points=数字, vip=布尔` (commas,
/// semicolons or lines; names in English or Chinese). Errors name the bad entry.
pub fn parse_type_overrides(raw: &str) -> Result<std::collections::HashMap<String, AttrType>, String> {
    let mut out = std::collections::HashMap::new();
    for item in raw.split([',', '，', ';', '；', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        let (name, ty) = item.split_once(['=', '：', ':']).ok_or_else(|| format!("“{item}”应写成 属性=类型"))?;
        let ty = match ty.trim().to_lowercase().as_str() {
            "string" | "text" | "文本" => AttrType::String,
            "number" | "数字" => AttrType::Number,
            "boolean" | "bool" | "布尔" | "是否" | "是/否" => AttrType::Boolean,
            "datetime" | "date" | "日期" | "日期时间" => AttrType::Datetime,
            other => return Err(format!("“{other}”不是可选的类型（文本、数字、布尔、日期）")),
        };
        out.insert(name.trim().to_owned(), ty);
    }
    Ok(out)
}

/// A typed attribute value. Datetimes are Unix seconds (input read as Asia/Shanghai).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    Text(String),
    Num(f64),
    Bool(bool),
    Time(i64),
}

impl Value {
    /// How the value reads in the console.
    pub fn display(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Num(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Self::Num(n) => n.to_string(),
            Self::Bool(b) => if *b { "是" } else { "否" }.to_owned(),
            Self::Time(t) => crate::clock::display(*t),
        }
    }
}

/// Parses `raw` (already trimmed, non-empty) as `ty`, or says why not, in Chinese.
pub fn parse(ty: AttrType, raw: &str) -> Result<Value, String> {
    match ty {
        AttrType::String => Ok(Value::Text(raw.to_owned())),
        AttrType::Number => number(raw).map(Value::Num).ok_or_else(|| format!("应为数字，实际是“{}”", short(raw))),
        AttrType::Boolean => {
            boolean(raw).map(Value::Bool).ok_or_else(|| format!("应为是/否（true/false），实际是“{}”", short(raw)))
        }
        AttrType::Datetime => datetime(raw)
            .map(Value::Time)
            .ok_or_else(|| format!("应为日期（如 2024-05-20 或 2024-05-20 08:30），实际是“{}”", short(raw))),
    }
}

/// Like [`parse`], moving text into the value instead of copying it.
pub fn parse_owned(ty: AttrType, raw: String) -> Result<Value, String> {
    match ty {
        AttrType::String => Ok(Value::Text(raw)),
        _ => parse(ty, &raw),
    }
}

fn short(s: &str) -> String {
    s.chars().take(30).collect()
}

fn number(raw: &str) -> Option<f64> {
    let n: f64 = if raw.contains(',') { raw.replace(',', "").parse().ok()? } else { raw.parse().ok()? };
    n.is_finite().then_some(n)
}

fn boolean(raw: &str) -> Option<bool> {
    let is = |words: &[&str]| words.iter().any(|w| raw.eq_ignore_ascii_case(w));
    if is(&["true", "是", "yes", "y"]) {
        Some(true)
    } else if is(&["false", "否", "no", "n"]) {
        Some(false)
    } else {
        None
    }
}

fn datetime(raw: &str) -> Option<i64> {
    if let Some(t) = plain_datetime(raw.as_bytes()) {
        return Some(t);
    }
    use time::macros::format_description as fd;
    let s = raw.replace('/', "-").replace('T', " ");
    let s = s.trim_end_matches('Z');
    let date_time = [fd!("[year]-[month]-[day] [hour]:[minute]:[second]"), fd!("[year]-[month]-[day] [hour]:[minute]")]
        .iter()
        .find_map(|f| time::PrimitiveDateTime::parse(s, f).ok())
        .or_else(|| time::Date::parse(s, fd!("[year]-[month]-[day]")).ok().map(|d| d.midnight()))?;
    Some(date_time.assume_offset(crate::clock::shanghai()).unix_timestamp())
}

/// The common shapes `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` and `YYYY-MM-DD HH:MM:SS` (`/` or `-`,
/// space or `T`) without going through a format description; anything else is `None` and
/// takes the general path.
fn plain_datetime(b: &[u8]) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let digits = b.get(r)?;
        digits.iter().all(u8::is_ascii_digit).then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let sep = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    if !(matches!(b.len(), 10 | 16 | 19) && sep(4, b"-/") && b.get(7) == b.get(4)) {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(num(5..7)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(num(0..4)? as i32, month, u8::try_from(num(8..10)?).ok()?).ok()?;
    let (h, m, s) = match b.len() {
        10 => (0, 0, 0),
        _ if sep(10, b" T") && sep(13, b":") && (b.len() == 16 || sep(16, b":")) => {
            (num(11..13)?, num(14..16)?, if b.len() == 19 { num(17..19)? } else { 0 })
        }
        _ => return None,
    };
    let time = time::Time::from_hms(u8::try_from(h).ok()?, u8::try_from(m).ok()?, u8::try_from(s).ok()?).ok()?;
    Some(time::PrimitiveDateTime::new(date, time).assume_offset(crate::clock::shanghai()).unix_timestamp())
}

/// The narrowest type every sample parses as (booleans, then numbers, then datetimes, else
/// text). Identifier-like columns (phone, ids with leading zeros) stay text.
pub fn infer(samples: &[&str]) -> AttrType {
    let samples: Vec<&str> = samples.iter().copied().filter(|s| !s.is_empty()).collect();
    if samples.is_empty() {
        return AttrType::String;
    }
    let id_like = samples.iter().any(|s| {
        (s.len() > 1 && s.starts_with('0') && !s.starts_with("0."))
            || s.len() >= 11 && s.bytes().all(|b| b.is_ascii_digit())
    });
    if samples.iter().all(|s| boolean(s).is_some() && s.parse::<f64>().is_err()) {
        AttrType::Boolean
    } else if !id_like && samples.iter().all(|s| number(s).is_some()) {
        AttrType::Number
    } else if samples.iter().all(|s| datetime(s).is_some()) {
        AttrType::Datetime
    } else {
        AttrType::String
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_overrides_accept_chinese_and_english() {
        let t = parse_type_overrides("points=数字，vip：布尔\nsignup=date; code=text").expect("parse");
        assert_eq!(t.get("points"), Some(&AttrType::Number));
        assert_eq!(t.get("vip"), Some(&AttrType::Boolean));
        assert_eq!(t.get("signup"), Some(&AttrType::Datetime));
        assert_eq!(t.get("code"), Some(&AttrType::String));
        assert!(parse_type_overrides("points").expect_err("no type").contains("属性=类型"));
        assert!(parse_type_overrides("a=整数").expect_err("bad type").contains("整数"));
    }

    #[test]
    fn types_are_inferred_from_samples() {
        assert_eq!(infer(&["1", "2.5", "-3"]), AttrType::Number);
        assert_eq!(infer(&["true", "否"]), AttrType::Boolean);
        assert_eq!(infer(&["2024-05-20", "2024/05/21 08:30"]), AttrType::Datetime);
        assert_eq!(infer(&["上海", "1"]), AttrType::String);
        assert_eq!(infer(&["13800138000", "13900139000"]), AttrType::String, "phones stay text");
        assert_eq!(infer(&["007", "12"]), AttrType::String, "leading zeros stay text");
        assert_eq!(infer(&["", ""]), AttrType::String);
    }

    #[test]
    fn wrong_types_are_explained() {
        assert!(parse(AttrType::Number, "abc").expect_err("not a number").contains("应为数字"));
        assert_eq!(parse(AttrType::Number, "1,200").expect("thousands"), Value::Num(1200.0));
        assert_eq!(parse(AttrType::Boolean, "是").expect("yes"), Value::Bool(true));
        let t = parse(AttrType::Datetime, "2024-05-20").expect("date");
        assert_eq!(t, Value::Time(1716134400), "midnight in Asia/Shanghai");
        assert_eq!(Value::Time(1716134400).display(), "2024-05-20 00:00");
        assert_eq!(parse(AttrType::Boolean, "TRUE").expect("case"), Value::Bool(true));
        assert!(parse(AttrType::Boolean, "maybe").is_err());
    }

    #[test]
    fn the_fast_datetime_path_agrees_with_the_general_one() {
        use time::macros::format_description as fd;
        for raw in ["2024-05-20", "2024/05/20 08:30", "2024-05-20T08:30:15", "2024-12-31 23:59:59", "2000-02-29"] {
            let s = raw.replace('/', "-").replace('T', " ");
            let general =
                [fd!("[year]-[month]-[day] [hour]:[minute]:[second]"), fd!("[year]-[month]-[day] [hour]:[minute]")]
                    .iter()
                    .find_map(|f| time::PrimitiveDateTime::parse(&s, f).ok())
                    .or_else(|| time::Date::parse(&s, fd!("[year]-[month]-[day]")).ok().map(|d| d.midnight()))
                    .map(|t| t.assume_offset(crate::clock::shanghai()).unix_timestamp());
            assert_eq!(plain_datetime(raw.as_bytes()), general, "{raw}");
        }
        for bad in ["2024-02-30", "2024-13-01", "2024-05-20 24:00", "2024-05/20", "2024-05-20 08:3x", "20240520"] {
            assert_eq!(plain_datetime(bad.as_bytes()), None, "{bad}");
        }
    }
}
