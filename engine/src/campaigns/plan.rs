//! From a campaign and its segment to recipients: phone checks, one message per phone,
//! variable values with fallbacks, billing units. Shared by the preview, the pre-send
//! reconciliation and the snapshot taken at start, so the three always agree.

use super::{slots, Campaign, CampaignError};
use crate::compliance::{self, caps, suppress, Exclusion, MessageKind, Policy};
use crate::provider::Content;
use crate::segments::{self, Index};
use crate::{sms, Db};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Members are read in chunks of this many row ids.
const CHUNK: usize = 5_000;

/// The pre-send numbers shown before confirmation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconciliation {
    pub members: u64,
    /// The phone attribute is empty or absent.
    pub no_phone: u64,
    /// The phone attribute holds something that is not a mainland mobile.
    pub invalid_phone: u64,
    /// Later members sharing a phone already planned (one message per phone).
    pub duplicate_phone: u64,
    /// A bound attribute is missing and has no fallback.
    pub missing_values: u64,
    /// On the suppression list (退订名单).
    pub suppressed: u64,
    /// Over a per-phone frequency cap (counts of today / the last 7 days at planning time).
    pub capped: u64,
    /// Marketing without the user's recorded consent (when the policy requires it).
    pub no_consent: u64,
    pub messages: u64,
    /// Total billing units (free text); for vendor templates one unit per message is assumed.
    pub units: u64,
}

/// One planned message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub user_rowid: i64,
    pub user_id: String,
    pub phone: String,
    pub values: Vec<String>,
    /// Billing units of the rendered message.
    pub units: u32,
    /// Set when compliance keeps this message from going out (recorded, never sent).
    pub exclusion: Option<Exclusion>,
}

/// A rendered sample for the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub user_id: String,
    pub phone_masked: String,
    /// The full text with signature (free text), or the template id and values.
    pub text: String,
    pub chars: u64,
    pub units: u32,
}

/// Text with signature and units of one message.
pub fn render(c: &Campaign, values: &[String]) -> (String, u32) {
    match &c.content {
        Content::Text(t) => {
            let text = sms::with_signature(&c.signature, &sms::render(t, values));
            let units = sms::billing_units(sms::char_len(&text));
            (text, units)
        }
        Content::Template { id, params } => {
            let pairs: Vec<String> = params.iter().zip(values).map(|(p, v)| format!("{p}={v}")).collect();
            (format!("【{}】模板 {id}（{}）", c.signature, pairs.join("，")), 1)
        }
    }
}

/// Whether a consent attribute value records consent (是/true/1/yes/y/同意).
fn consents(v: Option<&String>) -> bool {
    v.is_some_and(|v| matches!(v.trim().to_lowercase().as_str(), "是" | "true" | "1" | "yes" | "y" | "同意"))
}

/// Walks the segment and calls `sink` with each chunk of planned messages (sendable ones and
/// those compliance excludes, marked). Returns the totals.
pub async fn plan<F, Fut>(index: &Index, db: &Db, c: &Campaign, mut sink: F) -> Result<Reconciliation, CampaignError>
where
    F: FnMut(Vec<Planned>) -> Fut,
    Fut: std::future::Future<Output = Result<(), CampaignError>>,
{
    let seg = segments::get(db, c.segment_id).await?.ok_or_else(|| CampaignError::Invalid("分群不存在".into()))?;
    if c.bindings.len() != slots(&c.content) {
        return Err(CampaignError::Invalid(format!(
            "内容有 {} 个变量，但绑定了 {} 个属性",
            slots(&c.content),
            c.bindings.len()
        )));
    }
    let phone_attr = crate::settings::phone_attribute(db).await.map_err(|e| CampaignError::Internal(e.to_string()))?;
    let policy = compliance::policy(db).await.map_err(|e| CampaignError::Internal(e.to_string()))?;
    let consent =
        (c.kind == MessageKind::Marketing && policy.require_consent).then(|| policy.consent_attribute.clone());
    let mut columns: Vec<String> = c.bindings.iter().map(|b| b.attribute.clone()).collect();
    columns.push(phone_attr.clone());
    columns.extend(consent.clone());
    let (bits, count) = segments::members(index, db, &seg).await?;
    let mut r = Reconciliation { members: count.members, ..Reconciliation::default() };
    let mut seen: HashSet<u64> = HashSet::new();
    let mut offset = 0;
    loop {
        let ids = bits.page(offset, CHUNK);
        if ids.is_empty() {
            break;
        }
        offset += ids.len() as u64;
        let rows = segments::users_by_rowid(db, &ids).await?;
        let mut values = crate::users::values_for(db, &ids, &columns).await?;
        let mut chunk = Vec::with_capacity(rows.len());
        for m in rows {
            let Some(phone) = m.phone else {
                if values.contains_key(&(m.rowid, phone_attr.clone())) {
                    r.invalid_phone += 1;
                } else {
                    r.no_phone += 1;
                }
                continue;
            };
            let mut vals = Vec::with_capacity(c.bindings.len());
            for b in &c.bindings {
                match values.remove(&(m.rowid, b.attribute.clone())).or_else(|| b.fallback.clone()) {
                    Some(v) => vals.push(sms::sanitize_value(&v)),
                    None => break,
                }
            }
            if vals.len() < c.bindings.len() {
                r.missing_values += 1;
                continue;
            }
            if !seen.insert(phone.parse::<u64>().unwrap_or(0)) {
                r.duplicate_phone += 1;
                continue;
            }
            let no_consent = consent.as_ref().is_some_and(|a| !consents(values.get(&(m.rowid, a.clone()))));
            let units = render(c, &vals).1;
            let exclusion = no_consent.then_some(Exclusion::NoConsent);
            chunk.push(Planned { user_rowid: m.rowid, user_id: m.user_id, phone, values: vals, units, exclusion });
        }
        exclude(db, &policy, c.kind, &mut chunk).await?;
        for p in &chunk {
            match &p.exclusion {
                None => {
                    r.messages += 1;
                    r.units += u64::from(p.units);
                }
                Some(Exclusion::Suppressed(_)) => r.suppressed += 1,
                Some(Exclusion::Capped(_)) => r.capped += 1,
                Some(Exclusion::NoConsent) => r.no_consent += 1,
            }
        }
        sink(chunk).await?;
    }
    Ok(r)
}

/// Marks the messages of `chunk` that the suppression list or the caps keep from going out
/// (at planning time; dispatch checks again atomically).
async fn exclude(db: &Db, policy: &Policy, kind: MessageKind, chunk: &mut [Planned]) -> Result<(), CampaignError> {
    let open: Vec<&str> = chunk.iter().filter(|p| p.exclusion.is_none()).map(|p| p.phone.as_str()).collect();
    if open.is_empty() {
        return Ok(());
    }
    let suppressed = match policy.suppresses(kind) {
        true => suppress::among(db, &open).await?,
        false => Default::default(),
    };
    let counts = match policy.capped(kind) {
        true => caps::counts(db, &open, crate::clock::now()).await?,
        false => Default::default(),
    };
    for p in chunk.iter_mut().filter(|p| p.exclusion.is_none()) {
        if let Some(e) = suppressed.get(&p.phone) {
            p.exclusion = Some(Exclusion::Suppressed(e.explain()));
        } else if let Some(why) = counts.get(&p.phone.parse().unwrap_or(0)).and_then(|c| caps::over(policy, *c)) {
            p.exclusion = Some(Exclusion::Capped(why));
        }
    }
    Ok(())
}

/// The reconciliation and the first `n` rendered messages.
pub async fn preview(
    index: &Index,
    db: &Db,
    c: &Campaign,
    n: usize,
) -> Result<(Reconciliation, Vec<Preview>), CampaignError> {
    let samples = std::sync::Mutex::new(Vec::new());
    let r = plan(index, db, c, |chunk| {
        let mut s = samples.lock().unwrap_or_else(|p| p.into_inner());
        let room = n.saturating_sub(s.len());
        for p in chunk.into_iter().filter(|p| p.exclusion.is_none()).take(room) {
            let (text, units) = render(c, &p.values);
            s.push(Preview {
                user_id: p.user_id,
                phone_masked: crate::phone::mask(&p.phone),
                chars: sms::char_len(&text) as u64,
                text,
                units,
            });
        }
        async { Ok(()) }
    })
    .await?;
    Ok((r, samples.into_inner().unwrap_or_else(|p| p.into_inner())))
}

/// The reconciliation and the values of the first planned message, if any (for test sends).
pub async fn preview_values(
    index: &Index,
    db: &Db,
    c: &Campaign,
) -> Result<(Reconciliation, Option<Vec<String>>), CampaignError> {
    let first = std::sync::Mutex::new(None);
    let r = plan(index, db, c, |chunk| {
        let mut f = first.lock().unwrap_or_else(|p| p.into_inner());
        if f.is_none() {
            *f = chunk.into_iter().find(|p| p.exclusion.is_none()).map(|p| p.values);
        }
        async { Ok(()) }
    })
    .await?;
    Ok((r, first.into_inner().unwrap_or_else(|p| p.into_inner())))
}
