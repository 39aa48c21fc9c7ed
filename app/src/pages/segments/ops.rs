//! Which operators each attribute type offers, with their labels and operand counts. The wire
//! names match the server's rule operators.

/// (wire name, label, operands: 0, 1, 2, or -1 for a list)
pub type OpInfo = (&'static str, &'static str, i8);

const TEXT: &[OpInfo] = &[
    ("eq", "等于", 1),
    ("ne", "不等于", 1),
    ("contains", "包含", 1),
    ("starts_with", "开头是", 1),
    ("in", "属于列表", -1),
    ("is_set", "有值", 0),
    ("not_set", "无值", 0),
];
const NUMBER: &[OpInfo] = &[
    ("eq", "等于", 1),
    ("ne", "不等于", 1),
    ("gt", "大于", 1),
    ("lt", "小于", 1),
    ("between", "介于", 2),
    ("in", "属于列表", -1),
    ("is_set", "有值", 0),
    ("not_set", "无值", 0),
];
const BOOLEAN: &[OpInfo] = &[("eq", "等于", 1), ("ne", "不等于", 1), ("is_set", "有值", 0), ("not_set", "无值", 0)];
const DATETIME: &[OpInfo] = &[
    ("eq", "在当天", 1),
    ("before", "早于", 1),
    ("after", "晚于", 1),
    ("between", "介于", 2),
    ("within_days", "最近 N 天内", 1),
    ("is_set", "有值", 0),
    ("not_set", "无值", 0),
];

pub fn for_type(ty: &str) -> &'static [OpInfo] {
    match ty {
        "number" => NUMBER,
        "boolean" => BOOLEAN,
        "datetime" => DATETIME,
        _ => TEXT,
    }
}

pub fn arity(ty: &str, op: &str) -> i8 {
    for_type(ty).iter().find(|(name, _, _)| *name == op).map_or(1, |(_, _, n)| *n)
}

pub fn placeholder(ty: &str, op: &str) -> &'static str {
    match (ty, op) {
        (_, "in") => "多个值用逗号分隔",
        (_, "within_days") => "天数，如 30",
        ("datetime", _) => "如 2024-05-20",
        ("boolean", _) => "是 / 否",
        ("number", _) => "数字",
        _ => "值",
    }
}
