//! Rule segments: conditions on attributes combined with 且 (all) / 或 (any) groups, nested.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Rule {
    /// 且: every child matches (an empty group matches everyone).
    All {
        rules: Vec<Rule>,
    },
    /// 或: at least one child matches.
    Any {
        rules: Vec<Rule>,
    },
    Cond(Condition),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub attribute: String,
    pub op: Op,
    /// Operands as typed: one value, two for `between`, several for `in`, none for set tests.
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Eq,
    Ne,
    Contains,
    StartsWith,
    In,
    Gt,
    Lt,
    Between,
    IsSet,
    NotSet,
    /// Datetime within the last N days (N in `values[0]`).
    WithinDays,
    Before,
    After,
}

impl Op {
    pub const ALL: [Op; 13] = [
        Op::Eq,
        Op::Ne,
        Op::Contains,
        Op::StartsWith,
        Op::In,
        Op::Gt,
        Op::Lt,
        Op::Between,
        Op::IsSet,
        Op::NotSet,
        Op::WithinDays,
        Op::Before,
        Op::After,
    ];

    /// The wire name (`eq`, `starts_with`, …), as serde writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Contains => "contains",
            Op::StartsWith => "starts_with",
            Op::In => "in",
            Op::Gt => "gt",
            Op::Lt => "lt",
            Op::Between => "between",
            Op::IsSet => "is_set",
            Op::NotSet => "not_set",
            Op::WithinDays => "within_days",
            Op::Before => "before",
            Op::After => "after",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Op::Eq => "等于",
            Op::Ne => "不等于",
            Op::Contains => "包含",
            Op::StartsWith => "开头是",
            Op::In => "属于列表",
            Op::Gt => "大于",
            Op::Lt => "小于",
            Op::Between => "介于",
            Op::IsSet => "有值",
            Op::NotSet => "无值",
            Op::WithinDays => "最近 N 天内",
            Op::Before => "早于",
            Op::After => "晚于",
        }
    }

    /// How many operands the operator takes: `None` means one or more.
    pub fn arity(self) -> Option<usize> {
        match self {
            Op::IsSet | Op::NotSet => Some(0),
            Op::Between => Some(2),
            Op::In => None,
            _ => Some(1),
        }
    }
}

impl Rule {
    /// Every condition in the tree.
    pub fn conditions(&self) -> Vec<&Condition> {
        match self {
            Rule::Cond(c) => vec![c],
            Rule::All { rules } | Rule::Any { rules } => rules.iter().flat_map(Rule::conditions).collect(),
        }
    }
}
