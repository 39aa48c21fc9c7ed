//! Segment rows: create, update, delete, list, and member pages for both segment kinds.

use super::eval::{self, Bits};
use super::{Count, Index, Rule, SegmentError};
use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SegmentKind {
    /// 条件分群: evaluated live from the rule.
    Rule,
    /// 名单分群: the uploaded user ids.
    List,
}

impl SegmentKind {
    fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Rule => "rule",
            SegmentKind::List => "list",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub kind: SegmentKind,
    pub rule: Option<Rule>,
    pub description: String,
    /// Last computed count (a cache; rule segments are always re-evaluated for use).
    pub cached: Option<Count>,
    pub counted_at: Option<i64>,
    pub created_by: String,
    pub updated_at: i64,
}

/// What the editor submits. `list` holds uploaded user ids for a list segment.
#[derive(Debug, Clone, Default)]
pub struct SegmentInput {
    pub name: String,
    pub description: String,
    pub rule: Option<Rule>,
    pub list: Vec<String>,
}

/// One member on a page: the user id and the phone (callers mask it for display).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub rowid: i64,
    pub user_id: String,
    pub phone: Option<String>,
}

fn check(input: &SegmentInput) -> Result<String, SegmentError> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(SegmentError::Invalid("请填写分群名称".into()));
    }
    if name.chars().count() > 50 {
        return Err(SegmentError::Invalid("分群名称最多 50 个字".into()));
    }
    if input.rule.is_none() && input.list.is_empty() {
        return Err(SegmentError::Invalid("请添加条件，或上传用户 ID 名单".into()));
    }
    Ok(name.to_owned())
}

fn map_unique(e: sqlx::Error, name: &str) -> SegmentError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => SegmentError::Duplicate(name.to_owned()),
        _ => SegmentError::Db(e),
    }
}

/// Creates a segment after validating its rule against the index. Returns the segment and,
/// for a list segment, how many uploaded ids matched no user.
pub async fn create(index: &Index, db: &Db, input: &SegmentInput, actor: &str) -> Result<(Segment, u64), SegmentError> {
    let name = check(input)?;
    if let Some(rule) = &input.rule {
        super::count(index, db, rule).await?;
    }
    let kind = if input.rule.is_some() { SegmentKind::Rule } else { SegmentKind::List };
    let rule_json =
        input.rule.as_ref().map(serde_json::to_string).transpose().map_err(|e| SegmentError::Invalid(e.to_string()))?;
    let now = clock::now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO segments (name, kind, rule, description, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&name)
    .bind(kind.as_str())
    .bind(rule_json)
    .bind(input.description.trim())
    .bind(actor)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| map_unique(e, &name))?;
    let unknown = insert_list(&mut tx, id, &input.list).await?;
    tx.commit().await?;
    let seg = get(db, id).await?.ok_or_else(|| SegmentError::Invalid("分群不存在".into()))?;
    refresh_count(index, db, &seg).await?;
    Ok((get(db, id).await?.unwrap_or(seg), unknown))
}

/// Stores the members of a list segment. Entries are user ids, or mainland mobiles (any
/// spelling) matched against users' phones; a header cell (`user_id`, `phone`, `手机号`) is
/// ignored. Returns how many distinct entries matched no user.
async fn insert_list(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    id: i64,
    list: &[String],
) -> Result<u64, SegmentError> {
    let mut seen = std::collections::HashSet::new();
    let entries: Vec<(String, Option<String>)> = list
        .iter()
        .map(|e| e.trim())
        .filter(|e| !e.is_empty() && !["user_id", "phone", "手机号", "mobile"].contains(&e.to_lowercase().as_str()))
        .filter(|e| seen.insert(e.to_string()))
        .map(|e| (e.to_owned(), crate::phone::normalize(e).ok()))
        .collect();
    let mut unknown = 0;
    for chunk in entries.chunks(400) {
        let mut q = sqlx::QueryBuilder::new("SELECT id, user_id, phone FROM users WHERE user_id IN (");
        let mut ids = q.separated(", ");
        chunk.iter().for_each(|(raw, _)| {
            ids.push_bind(raw.clone());
        });
        q.push(") OR id IN (").push(crate::users::phones::ROWIDS_WITH_PHONE_IN);
        let mut phones = q.separated(", ");
        chunk.iter().for_each(|(_, p)| {
            phones.push_bind(p.clone().unwrap_or_default());
        });
        q.push("))");
        let rows = q.build().fetch_all(&mut **tx).await?;
        let mut found = std::collections::HashSet::new();
        for r in &rows {
            let rowid: i64 = r.try_get("id")?;
            found.insert(r.try_get::<String, _>("user_id")?);
            if let Some(p) = r.try_get::<Option<String>, _>("phone")? {
                found.insert(p);
            }
            sqlx::query("INSERT OR IGNORE INTO segment_members (segment_id, user_rowid) VALUES (?, ?)")
                .bind(id)
                .bind(rowid)
                .execute(&mut **tx)
                .await?;
        }
        unknown += chunk
            .iter()
            .filter(|(raw, p)| !found.contains(raw) && !p.as_ref().is_some_and(|p| found.contains(p)))
            .count() as u64;
    }
    Ok(unknown)
}

/// Updates name, description and rule (rule segments) of an existing segment.
pub async fn update(index: &Index, db: &Db, id: i64, input: &SegmentInput) -> Result<Segment, SegmentError> {
    let name = check(&SegmentInput { list: vec![String::new()], ..input.clone() })?;
    let seg = get(db, id).await?.ok_or_else(|| SegmentError::Invalid("分群不存在".into()))?;
    let rule = if seg.kind == SegmentKind::Rule {
        let rule = input.rule.clone().ok_or_else(|| SegmentError::Invalid("请添加条件".into()))?;
        super::count(index, db, &rule).await?;
        Some(serde_json::to_string(&rule).map_err(|e| SegmentError::Invalid(e.to_string()))?)
    } else {
        None
    };
    sqlx::query("UPDATE segments SET name = ?, description = ?, rule = COALESCE(?, rule), updated_at = ? WHERE id = ?")
        .bind(&name)
        .bind(input.description.trim())
        .bind(rule)
        .bind(clock::now())
        .bind(id)
        .execute(db)
        .await
        .map_err(|e| map_unique(e, &name))?;
    let seg = get(db, id).await?.ok_or_else(|| SegmentError::Invalid("分群不存在".into()))?;
    refresh_count(index, db, &seg).await?;
    Ok(get(db, id).await?.unwrap_or(seg))
}

pub async fn delete(db: &Db, id: i64) -> Result<bool, SegmentError> {
    Ok(sqlx::query("DELETE FROM segments WHERE id = ?").bind(id).execute(db).await?.rows_affected() > 0)
}

const COLUMNS: &str =
    "SELECT id, name, kind, rule, description, cached_members, cached_with_phone, counted_at, created_by, updated_at FROM segments";

fn decode(r: &sqlx::sqlite::SqliteRow) -> Result<Segment, SegmentError> {
    let kind = if r.try_get::<String, _>("kind")? == "list" { SegmentKind::List } else { SegmentKind::Rule };
    let rule = r.try_get::<Option<String>, _>("rule")?.and_then(|s| serde_json::from_str(&s).ok());
    let members: Option<i64> = r.try_get("cached_members")?;
    let with_phone: Option<i64> = r.try_get("cached_with_phone")?;
    Ok(Segment {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        kind,
        rule,
        description: r.try_get("description")?,
        cached: members.zip(with_phone).map(|(m, p)| Count { members: m as u64, with_phone: p as u64 }),
        counted_at: r.try_get("counted_at")?,
        created_by: r.try_get("created_by")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Option<Segment>, SegmentError> {
    let row = sqlx::query(&format!("{COLUMNS} WHERE id = ?")).bind(id).fetch_optional(db).await?;
    row.as_ref().map(decode).transpose()
}

pub async fn list(db: &Db) -> Result<Vec<Segment>, SegmentError> {
    let rows = sqlx::query(&format!("{COLUMNS} ORDER BY updated_at DESC, id DESC")).fetch_all(db).await?;
    rows.iter().map(decode).collect()
}

/// Up to `limit` segments with an id below `before`, newest first (keyset paging in SQL).
pub async fn page(db: &Db, before: Option<i64>, limit: u32) -> Result<Vec<Segment>, SegmentError> {
    let rows = sqlx::query(&format!("{COLUMNS} WHERE id < ? ORDER BY id DESC LIMIT ?"))
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(db)
        .await?;
    rows.iter().map(decode).collect()
}

/// The segment's current members as a bitset of user row ids.
pub async fn members(index: &Index, db: &Db, seg: &Segment) -> Result<(Bits, Count), SegmentError> {
    let (bits, universe) = match (&seg.kind, &seg.rule) {
        (SegmentKind::Rule, Some(rule)) => eval::evaluate(index, db, rule).await?,
        _ => {
            let universe = index.universe(db).await?;
            let ids: Vec<i64> = sqlx::query_scalar("SELECT user_rowid FROM segment_members WHERE segment_id = ?")
                .bind(seg.id)
                .fetch_all(db)
                .await?;
            (Bits::from_ids(universe.len, &ids).and(&Bits(universe.users.clone())), universe)
        }
    };
    let count = Count { members: bits.count(), with_phone: bits.count_and(&universe.with_phone) };
    Ok((bits, count))
}

/// Recomputes and stores the cached count shown on the list page.
pub async fn refresh_count(index: &Index, db: &Db, seg: &Segment) -> Result<Count, SegmentError> {
    let (_, count) = members(index, db, seg).await?;
    sqlx::query("UPDATE segments SET cached_members = ?, cached_with_phone = ?, counted_at = ? WHERE id = ?")
        .bind(count.members as i64)
        .bind(count.with_phone as i64)
        .bind(clock::now())
        .bind(seg.id)
        .execute(db)
        .await?;
    Ok(count)
}

/// Users for row ids, in the given order.
pub async fn users_by_rowid(db: &Db, ids: &[i64]) -> Result<Vec<MemberRow>, SegmentError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = sqlx::QueryBuilder::new("SELECT id, user_id, phone FROM users WHERE id IN (");
    let mut sep = q.separated(", ");
    ids.iter().for_each(|id| {
        sep.push_bind(*id);
    });
    sep.push_unseparated(")");
    let rows = q.build().fetch_all(db).await?;
    let mut by_id = std::collections::HashMap::with_capacity(rows.len());
    for r in &rows {
        by_id.insert(
            r.try_get::<i64, _>("id")?,
            MemberRow { rowid: r.try_get("id")?, user_id: r.try_get("user_id")?, phone: r.try_get("phone")? },
        );
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// One page of members (ordered by import order) and the live count.
pub async fn members_page(
    index: &Index,
    db: &Db,
    seg: &Segment,
    offset: u64,
    limit: usize,
) -> Result<(Count, Vec<MemberRow>), SegmentError> {
    let (bits, count) = members(index, db, seg).await?;
    let rows = users_by_rowid(db, &bits.page(offset, limit)).await?;
    Ok((count, rows))
}

/// Names of the segments `user_id` currently belongs to (rule segments evaluated live).
pub async fn containing(index: &Index, db: &Db, user_id: &str) -> Result<Vec<String>, SegmentError> {
    let Some(rowid) =
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE user_id = ?").bind(user_id).fetch_optional(db).await?
    else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for seg in list(db).await? {
        let (bits, _) = members(index, db, &seg).await?;
        if bits.contains(rowid) {
            names.push(seg.name);
        }
    }
    Ok(names)
}
