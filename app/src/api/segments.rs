//! 分群: list, live count while editing, save, delete, and member pages (masked phones).

use crate::dto::audience::{CountView, MembersPage, RuleForm, SavedSegment, SegmentForm, SegmentRow};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Members per page on the segment page.
pub const PAGE_SIZE: usize = 50;

#[server(prefix = "/api", endpoint = "segments/list", input = Json)]
pub async fn list_segments() -> Result<Vec<SegmentRow>, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    Ok(engine::segments::list(&state.db).await?.into_iter().map(convert::row).collect())
}

/// Attribute names and types (`string`, `number`, `boolean`, `datetime`) for conditions.
#[server(prefix = "/api", endpoint = "segments/attributes", input = Json)]
pub async fn segment_attributes() -> Result<Vec<(String, String)>, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let all = engine::users::attribute_types(&state.db).await?;
    Ok(all.into_iter().map(|(n, t)| (n, t.as_str().to_owned())).collect())
}

/// Live count of an unsaved rule (the editor calls this as conditions change).
#[server(prefix = "/api", endpoint = "segments/count", input = Json)]
pub async fn count_rule(rule: RuleForm) -> Result<CountView, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let started = std::time::Instant::now();
    let c = engine::segments::count(&state.segments, &state.db, &convert::rule_in(&rule)?).await?;
    Ok(CountView { members: c.members, with_phone: c.with_phone, millis: started.elapsed().as_millis() as u64 })
}

#[server(prefix = "/api", endpoint = "segments/save", input = Json)]
pub async fn save_segment(form: SegmentForm) -> Result<SavedSegment, AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    let input = convert::input(&form)?;
    let (ix, db) = (&state.segments, &state.db);
    let saved = match form.id {
        Some(id) => SavedSegment { id: engine::segments::update(ix, db, id, &input).await?.id, unknown_ids: 0 },
        None => {
            let (seg, unknown_ids) = engine::segments::create(ix, db, &input, &account.username).await?;
            SavedSegment { id: seg.id, unknown_ids }
        }
    };
    tracing::info!(user = %account.username, segment = saved.id, "segment saved");
    super::session::audit(&state, &account.username, "segment_save", &form.name, &format!("分群 #{}", saved.id))
        .await?;
    Ok(saved)
}

#[server(prefix = "/api", endpoint = "segments/delete", input = Json)]
pub async fn delete_segment(id: i64) -> Result<(), AppError> {
    let (state, account, _) = super::session::require_operator().await?;
    if !engine::segments::delete(&state.db, id).await? {
        return Err(AppError::NotFound.with_status());
    }
    tracing::info!(user = %account.username, segment = id, "segment deleted");
    super::session::audit(&state, &account.username, "segment_delete", &format!("分群 #{id}"), "").await?;
    Ok(())
}

/// The segment, its live count and one page of members.
#[server(prefix = "/api", endpoint = "segments/members", input = Json)]
pub async fn segment_members(
    id: i64,
    offset: u64,
    #[server(default)] columns: Vec<String>,
) -> Result<MembersPage, AppError> {
    let (state, _, _) = super::session::require_viewer().await?;
    let seg = engine::segments::get(&state.db, id).await?.ok_or_else(|| AppError::NotFound.with_status())?;
    let started = std::time::Instant::now();
    let (count, rows) = engine::segments::members_page(&state.segments, &state.db, &seg, offset, PAGE_SIZE).await?;
    let millis = started.elapsed().as_millis() as u64;
    let rows = convert::member_views(&state.db, rows, &columns).await?;
    Ok(MembersPage {
        form: convert::form(&seg),
        segment: convert::row(seg),
        count: CountView { members: count.members, with_phone: count.with_phone, millis },
        offset,
        columns,
        rows,
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod convert {
    use crate::dto::audience::{ConditionForm, GroupForm, MemberView, RuleForm, SegmentForm, SegmentRow};
    use crate::error::AppError;
    use engine::segments::{Condition, MemberRow, Op, Rule, Segment, SegmentInput, SegmentKind};

    fn condition_in(c: &ConditionForm) -> Result<Rule, AppError> {
        if c.attribute.trim().is_empty() {
            return Err(AppError::field("rule", "请为每个条件选择属性").with_status());
        }
        let op =
            Op::parse(&c.op).ok_or_else(|| AppError::field("rule", format!("未知的运算“{}”", c.op)).with_status())?;
        let values = c.values.iter().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect();
        Ok(Rule::Cond(Condition { attribute: c.attribute.trim().to_owned(), op, values }))
    }

    fn join(all: bool, rules: Vec<Rule>) -> Rule {
        if all {
            Rule::All { rules }
        } else {
            Rule::Any { rules }
        }
    }

    pub fn rule_in(form: &RuleForm) -> Result<Rule, AppError> {
        let mut rules = form.conditions.iter().map(condition_in).collect::<Result<Vec<_>, _>>()?;
        for g in form.groups.iter().filter(|g| !g.conditions.is_empty()) {
            let inner = g.conditions.iter().map(condition_in).collect::<Result<Vec<_>, _>>()?;
            rules.push(join(g.all, inner));
        }
        Ok(join(form.all, rules))
    }

    pub fn input(form: &SegmentForm) -> Result<SegmentInput, AppError> {
        let (rule, list) = if form.kind == "list" {
            (None, list_entries(&form.list))
        } else {
            if form.rule.conditions.is_empty() && form.rule.groups.iter().all(|g| g.conditions.is_empty()) {
                return Err(AppError::field("rule", "请至少添加一个条件").with_status());
            }
            (Some(rule_in(&form.rule)?), Vec::new())
        };
        Ok(SegmentInput { name: form.name.clone(), description: form.description.clone(), rule, list })
    }

    /// Splits a pasted or uploaded list on lines, commas, semicolons and tabs; a chunk that is
    /// not a phone as a whole (`138 0013 8000` is) is split again on spaces.
    pub fn list_entries(raw: &str) -> Vec<String> {
        let mut out = Vec::new();
        for chunk in raw.split([',', '，', '\n', '\r', '\t', ';', '；']).map(str::trim).filter(|s| !s.is_empty()) {
            if engine::phone::normalize(chunk).is_ok() {
                out.push(chunk.to_owned());
            } else {
                out.extend(chunk.split_whitespace().map(str::to_owned));
            }
        }
        out
    }

    fn condition_out(c: &Condition) -> ConditionForm {
        ConditionForm { attribute: c.attribute.clone(), op: c.op.as_str().to_owned(), values: c.values.clone() }
    }

    /// The editor's two levels: top-level conditions and groups (deeper levels are flattened
    /// into their group; the editor never creates them).
    pub fn rule_out(rule: &Rule) -> RuleForm {
        let (all, children) = match rule {
            Rule::All { rules } => (true, rules.as_slice()),
            Rule::Any { rules } => (false, rules.as_slice()),
            Rule::Cond(c) => return RuleForm { all: true, conditions: vec![condition_out(c)], groups: Vec::new() },
        };
        let mut form = RuleForm { all, ..RuleForm::default() };
        for child in children {
            match child {
                Rule::Cond(c) => form.conditions.push(condition_out(c)),
                Rule::All { .. } | Rule::Any { .. } => form.groups.push(GroupForm {
                    all: matches!(child, Rule::All { .. }),
                    conditions: child.conditions().into_iter().map(condition_out).collect(),
                }),
            }
        }
        form
    }

    pub fn form(seg: &Segment) -> SegmentForm {
        SegmentForm {
            id: Some(seg.id),
            name: seg.name.clone(),
            description: seg.description.clone(),
            kind: kind(seg.kind).to_owned(),
            rule: seg.rule.as_ref().map(rule_out).unwrap_or(RuleForm { all: true, ..RuleForm::default() }),
            list: String::new(),
        }
    }

    fn kind(k: SegmentKind) -> &'static str {
        match k {
            SegmentKind::Rule => "rule",
            SegmentKind::List => "list",
        }
    }

    pub fn row(s: Segment) -> SegmentRow {
        SegmentRow {
            id: s.id,
            name: s.name,
            kind: kind(s.kind).to_owned(),
            description: s.description,
            members: s.cached.map(|c| c.members),
            with_phone: s.cached.map(|c| c.with_phone),
            counted_at: s.counted_at.map(engine::clock::display),
            updated_at: engine::clock::display(s.updated_at),
            created_by: s.created_by,
        }
    }

    /// Member rows with the values of `columns` (phone-like values masked).
    pub async fn member_views(
        db: &engine::Db,
        rows: Vec<MemberRow>,
        columns: &[String],
    ) -> Result<Vec<MemberView>, AppError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.rowid).collect();
        let mut values = engine::users::values_for(db, &ids, columns).await?;
        Ok(rows
            .into_iter()
            .map(|m| MemberView {
                values: columns
                    .iter()
                    .map(|c| {
                        values.remove(&(m.rowid, c.clone())).map(crate::api::users::mask_if_phone).unwrap_or_default()
                    })
                    .collect(),
                phone_masked: m.phone.as_deref().map(engine::phone::mask),
                user_id: m.user_id,
            })
            .collect())
    }
}
