//! Phones typed into test-send forms (server only): split, normalize, dedupe, explain.

use crate::dto::{FieldError, PhoneProblem};
use crate::error::AppError;

/// Most phones one test send may carry.
pub const TEST_SEND_MAX: usize = 20;

/// Splits on commas, semicolons and new lines (ASCII or full-width); a chunk that is not a
/// number as a whole (`138 0013 8000` is) is split again on spaces. Duplicates are dropped.
pub fn parse(raw: &str) -> (Vec<String>, Vec<PhoneProblem>) {
    let mut ok: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for chunk in raw.split([',', '，', ';', '；', '\n', '\r', '、']).filter(|s| !s.trim().is_empty()) {
        let items: Vec<&str> = match engine::phone::normalize(chunk) {
            Ok(_) => vec![chunk],
            Err(_) => chunk.split_whitespace().collect(),
        };
        for item in items {
            match engine::phone::normalize(item) {
                Ok(p) if !ok.contains(&p) => ok.push(p),
                Ok(_) => {}
                Err(e) => bad.push(PhoneProblem { input: item.trim().to_owned(), reason: e.to_string() }),
            }
        }
    }
    (ok, bad)
}

/// Field errors of a test send: the phone list, plus an optional values problem.
pub fn check_test_send(phones: &[String], invalid: &[PhoneProblem], values: Option<String>) -> Result<(), AppError> {
    let mut errors = Vec::new();
    if phones.is_empty() {
        let msg = if invalid.is_empty() {
            "请填写至少一个手机号"
        } else {
            "没有可发送的手机号，请检查下方列出的号码"
        };
        errors.push(FieldError { field: "test_phones".into(), message: msg.into() });
    } else if phones.len() > TEST_SEND_MAX {
        errors
            .push(FieldError {
                field: "test_phones".into(), message: format!("测试发送最多 {TEST_SEND_MAX} 个号码")
            });
    }
    if let Some(message) = values {
        errors.push(FieldError { field: "test_values".into(), message });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation { errors }.with_status())
    }
}
