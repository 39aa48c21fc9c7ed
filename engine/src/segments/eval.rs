//! Evaluates a rule over the column index into a bitset of user row ids.
//! `不等于`, `大于` and the like follow SQL: users without the attribute never match them;
//! use `无值` to find those.

use super::index::{Column, Index, LoadedColumn};
use super::rule::{Condition, Op, Rule};
use super::SegmentError;
use crate::users::{values, AttrType, Value};
use crate::Db;
use std::collections::HashMap;
use std::sync::Arc;

/// A set of user row ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits(pub Vec<u64>);

impl Bits {
    fn empty(len: usize) -> Self {
        Self(vec![0; len.div_ceil(64)])
    }

    fn from_fn(len: usize, mut f: impl FnMut(usize) -> bool) -> Self {
        let mut b = Self::empty(len);
        for i in 0..len {
            if f(i) {
                b.0[i / 64] |= 1 << (i % 64);
            }
        }
        b
    }

    /// The set holding exactly `ids` (ids outside `0..len` are ignored).
    pub fn from_ids(len: usize, ids: &[i64]) -> Self {
        let mut b = Self::empty(len);
        for &id in ids {
            if id >= 0 && (id as usize) < len {
                b.0[id as usize / 64] |= 1 << (id % 64);
            }
        }
        b
    }

    pub fn and(mut self, other: &Bits) -> Self {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a &= b);
        self
    }

    fn or(mut self, other: &Bits) -> Self {
        self.0.iter_mut().zip(&other.0).for_each(|(a, b)| *a |= b);
        self
    }

    pub fn contains(&self, id: i64) -> bool {
        id >= 0 && self.0.get(id as usize / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    pub fn count(&self) -> u64 {
        self.0.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    pub fn count_and(&self, other: &[u64]) -> u64 {
        self.0.iter().zip(other).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    /// Row ids in ascending order, skipping `offset`, at most `limit`.
    pub fn page(&self, offset: u64, limit: usize) -> Vec<i64> {
        let mut out = Vec::with_capacity(limit);
        let mut skipped = 0;
        for (w, word) in self.0.iter().enumerate() {
            let ones = u64::from(word.count_ones());
            if skipped + ones <= offset {
                skipped += ones;
                continue;
            }
            let mut bits = *word;
            while bits != 0 && out.len() < limit {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if skipped >= offset {
                    out.push((w * 64 + b) as i64);
                } else {
                    skipped += 1;
                }
            }
            if out.len() >= limit {
                break;
            }
        }
        out
    }
}

impl Bits {
    /// Row ids greater than `after` in ascending order, at most `limit` (keyset paging: a
    /// page boundary stays put while members join or leave elsewhere).
    pub fn after(&self, after: i64, limit: usize) -> Vec<i64> {
        let start = usize::try_from(after.saturating_add(1)).unwrap_or(0);
        let mut out = Vec::with_capacity(limit);
        for (w, word) in self.0.iter().enumerate().skip(start / 64) {
            let mut bits = if w == start / 64 { word & (u64::MAX << (start % 64)) } else { *word };
            while bits != 0 && out.len() < limit {
                out.push((w * 64 + bits.trailing_zeros() as usize) as i64);
                bits &= bits - 1;
            }
            if out.len() >= limit {
                break;
            }
        }
        out
    }
}

/// Members of `rule` among existing users.
pub async fn evaluate(
    index: &Index,
    db: &Db,
    rule: &Rule,
) -> Result<(Bits, Arc<super::index::Universe>), SegmentError> {
    let universe = index.universe(db).await?;
    let mut columns = HashMap::new();
    for c in rule.conditions() {
        if !columns.contains_key(&c.attribute) {
            let col = index.column(db, &c.attribute, universe.len).await?;
            let col = col.ok_or_else(|| SegmentError::Invalid(format!("属性“{}”不存在", c.attribute)))?;
            if col.len() != universe.len {
                return Err(SegmentError::Invalid("用户数据正在更新，请稍后重试".into()));
            }
            columns.insert(c.attribute.clone(), col);
        }
    }
    let now = crate::clock::now();
    let bits = eval(rule, &columns, universe.len, now)?.and(&Bits(universe.users.clone()));
    Ok((bits, universe))
}

fn eval(rule: &Rule, cols: &HashMap<String, Arc<LoadedColumn>>, len: usize, now: i64) -> Result<Bits, SegmentError> {
    match rule {
        Rule::Cond(c) => cond(c, &cols[&c.attribute], len, now),
        Rule::All { rules } => {
            rules.iter().try_fold(Bits::from_fn(len, |_| true), |acc, r| Ok(acc.and(&eval(r, cols, len, now)?)))
        }
        Rule::Any { rules } => rules.iter().try_fold(Bits::empty(len), |acc, r| Ok(acc.or(&eval(r, cols, len, now)?))),
    }
}

fn invalid(c: &Condition, why: &str) -> SegmentError {
    SegmentError::Invalid(format!("条件“{} {}”：{why}", c.attribute, c.op.label()))
}

fn cond(c: &Condition, col: &LoadedColumn, len: usize, now: i64) -> Result<Bits, SegmentError> {
    if let Some(n) = c.op.arity() {
        if c.values.len() != n {
            return Err(invalid(c, &format!("需要 {n} 个值")));
        }
    } else if c.values.is_empty() {
        return Err(invalid(c, "至少需要 1 个值"));
    }
    match &col.data {
        Column::Text { codes, dict } => text(c, codes, dict),
        Column::Num(vals) => num(c, col.ty, vals, now),
        Column::Bool(vals) => boolean(c, vals),
    }
    .map(|f| Bits::from_fn(len, f))
}

fn text<'a>(
    c: &Condition,
    codes: &'a [u32],
    dict: &[String],
) -> Result<Box<dyn FnMut(usize) -> bool + 'a>, SegmentError> {
    let v = c.values.first().map(String::as_str).unwrap_or("");
    let pred: Box<dyn Fn(&str) -> bool> = match c.op {
        Op::Eq | Op::Ne => Box::new(move |s: &str| s == v),
        Op::Contains => Box::new(move |s: &str| s.contains(v)),
        Op::StartsWith => Box::new(move |s: &str| s.starts_with(v)),
        Op::In => {
            let set: Vec<String> = c.values.clone();
            Box::new(move |s: &str| set.iter().any(|x| x == s))
        }
        Op::IsSet => return Ok(Box::new(move |i| codes[i] != 0)),
        Op::NotSet => return Ok(Box::new(move |i| codes[i] == 0)),
        _ => return Err(invalid(c, "文本属性只支持 等于/不等于/包含/开头是/属于列表/有值/无值")),
    };
    let mut hit: Vec<bool> = dict.iter().map(|s| pred(s)).collect();
    if c.op == Op::Ne {
        hit.iter_mut().for_each(|h| *h = !*h);
    }
    Ok(Box::new(move |i| codes[i] != 0 && hit[codes[i] as usize - 1]))
}

fn operand(c: &Condition, ty: AttrType, raw: &str) -> Result<f64, SegmentError> {
    match values::parse(ty, raw.trim()) {
        Ok(Value::Num(n)) => Ok(n),
        Ok(Value::Time(t)) => Ok(t as f64),
        _ => Err(invalid(c, &format!("“{raw}”不是有效的{}", ty.label()))),
    }
}

fn num<'a>(
    c: &Condition,
    ty: AttrType,
    vals: &'a [f64],
    now: i64,
) -> Result<Box<dyn FnMut(usize) -> bool + 'a>, SegmentError> {
    let set = move |i: usize| !vals[i].is_nan();
    let one = || operand(c, ty, &c.values[0]);
    let date = ty == AttrType::Datetime;
    Ok(match c.op {
        Op::IsSet => Box::new(set),
        Op::NotSet => Box::new(move |i| vals[i].is_nan()),
        Op::Eq if date => {
            let start = one()?;
            Box::new(move |i| vals[i] >= start && vals[i] < start + 86_400.0)
        }
        Op::Eq => {
            let x = one()?;
            Box::new(move |i| vals[i] == x)
        }
        Op::Ne => {
            let x = one()?;
            Box::new(move |i| set(i) && vals[i] != x)
        }
        Op::Gt | Op::After => {
            let x = one()?;
            Box::new(move |i| vals[i] > x)
        }
        Op::Lt | Op::Before => {
            let x = one()?;
            Box::new(move |i| vals[i] < x)
        }
        Op::Between => {
            let (a, b) = (one()?, operand(c, ty, &c.values[1])?);
            let (lo, hi) = (a.min(b), a.max(b));
            Box::new(move |i| vals[i] >= lo && vals[i] <= hi)
        }
        Op::In => {
            let xs: Vec<f64> = c.values.iter().map(|v| operand(c, ty, v)).collect::<Result<_, _>>()?;
            Box::new(move |i| xs.contains(&vals[i]))
        }
        Op::WithinDays if date => {
            let days: f64 = c.values[0].trim().parse().map_err(|_| invalid(c, "天数应为数字"))?;
            let from = now as f64 - days * 86_400.0;
            Box::new(move |i| vals[i] >= from && vals[i] <= now as f64)
        }
        _ => return Err(invalid(c, &format!("{}属性不支持该运算", ty.label()))),
    })
}

fn boolean<'a>(c: &Condition, vals: &'a [u8]) -> Result<Box<dyn FnMut(usize) -> bool + 'a>, SegmentError> {
    let want = |c: &Condition| match values::parse(AttrType::Boolean, c.values[0].trim()) {
        Ok(Value::Bool(b)) => Ok(if b { 2 } else { 1 }),
        _ => Err(invalid(c, "值应为 是/否")),
    };
    Ok(match c.op {
        Op::IsSet => Box::new(move |i| vals[i] != 0),
        Op::NotSet => Box::new(move |i| vals[i] == 0),
        Op::Eq => {
            let w = want(c)?;
            Box::new(move |i| vals[i] == w)
        }
        Op::Ne => {
            let w = want(c)?;
            Box::new(move |i| vals[i] != 0 && vals[i] != w)
        }
        _ => return Err(invalid(c, "布尔属性只支持 等于/不等于/有值/无值")),
    })
}
