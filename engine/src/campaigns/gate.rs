//! The last compliance check before a request goes out, inside the claim transaction: every
//! claimed phone is checked against the suppression list (each claim, so a reply that arrived
//! during a retry wait still stops it) and counted against the caps (once per request, at its
//! first claim). Refused phones leave their request: their recipient rows take the status
//! `suppressed` / `capped` with the reason, and the request's payload and size shrink (an
//! emptied request is closed unsent). Nothing refused here ever reaches a vendor.

use super::batches::Claimed;
use super::CampaignError;
use crate::compliance::{caps, suppress, Exclusion, MessageKind, Policy};
use sqlx::{Sqlite, Transaction};
use std::collections::HashMap;

/// What the gate enforces for one campaign.
#[derive(Debug, Clone)]
pub struct Gate {
    pub policy: Policy,
    pub suppress: bool,
    pub cap: bool,
}

impl Gate {
    /// The gate for messages of `kind` under `policy`, or `None` when nothing applies.
    pub fn for_kind(policy: Policy, kind: MessageKind) -> Option<Self> {
        let (suppress, cap) = (policy.suppresses(kind), policy.capped(kind));
        (suppress || cap).then_some(Self { policy, suppress, cap })
    }
}

/// Applies the gate to the requests just claimed; returns those still carrying a message.
pub async fn apply(
    tx: &mut Transaction<'_, Sqlite>,
    g: &Gate,
    claimed: Vec<Claimed>,
    now: i64,
) -> Result<Vec<Claimed>, CampaignError> {
    if claimed.is_empty() {
        return Ok(claimed);
    }
    let phones: Vec<&str> = claimed.iter().flat_map(|b| b.messages.iter().map(|m| m.phone.as_str())).collect();
    let suppressed = match g.suppress {
        true => suppress::among_tx(tx, &phones).await?,
        false => HashMap::new(),
    };
    let fresh: Vec<&str> = claimed
        .iter()
        .filter(|b| !b.gated)
        .flat_map(|b| b.messages.iter().map(|m| m.phone.as_str()))
        .filter(|p| !suppressed.contains_key(*p))
        .collect();
    let capped = match g.cap && !fresh.is_empty() {
        true => caps::take(tx, &g.policy, &fresh, now).await?,
        false => HashMap::new(),
    };
    if g.cap {
        mark_gated(tx, &claimed).await?;
    }
    let mut out = Vec::with_capacity(claimed.len());
    for mut b in claimed {
        let mut refused = Vec::new();
        b.messages.retain(|m| {
            let why = match (suppressed.get(&m.phone), capped.get(&m.phone)) {
                (Some(e), _) => Some(Exclusion::Suppressed(e.explain())),
                (None, Some(r)) if !b.gated => Some(Exclusion::Capped(r.clone())),
                _ => None,
            };
            why.map(|w| refused.push((m.phone.clone(), w))).is_none()
        });
        if !refused.is_empty() {
            shrink(tx, &b, &refused, now).await?;
        }
        if !b.messages.is_empty() {
            out.push(b);
        }
    }
    Ok(out)
}

async fn mark_gated(tx: &mut Transaction<'_, Sqlite>, claimed: &[Claimed]) -> Result<(), CampaignError> {
    let fresh: Vec<i64> = claimed.iter().filter(|b| !b.gated).map(|b| b.id).collect();
    if fresh.is_empty() {
        return Ok(());
    }
    let mut q = sqlx::QueryBuilder::new("UPDATE batches SET gated = 1 WHERE id IN (");
    let mut ids = q.separated(", ");
    for id in fresh {
        ids.push_bind(id);
    }
    q.push(")");
    q.build().execute(&mut **tx).await?;
    Ok(())
}

/// Records the refused phones of `b` and rewrites its payload to what is left.
async fn shrink(
    tx: &mut Transaction<'_, Sqlite>,
    b: &Claimed,
    refused: &[(String, Exclusion)],
    now: i64,
) -> Result<(), CampaignError> {
    for (phone, why) in refused {
        sqlx::query(
            "UPDATE recipients SET status = ?, reason = ? WHERE batch_id = ? AND phone = ? AND status = 'batch'",
        )
        .bind(why.status())
        .bind(why.reason())
        .bind(b.id)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    }
    if b.messages.is_empty() {
        sqlx::query(
            "UPDATE batches SET status = 'cancelled', size = 0, finished_at = ?, \
             reason = '本请求的号码都被合规规则拦截（退订/超频），未发送' WHERE id = ?",
        )
        .bind(now)
        .bind(b.id)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    }
    let rows: Vec<Vec<&str>> = b
        .messages
        .iter()
        .map(|m| std::iter::once(m.phone.as_str()).chain(m.values.iter().map(String::as_str)).collect())
        .collect();
    let payload = serde_json::to_string(&rows).map_err(|e| CampaignError::Internal(e.to_string()))?;
    sqlx::query("UPDATE batches SET size = ? WHERE id = ?")
        .bind(b.messages.len() as i64)
        .bind(b.id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE batch_payloads SET payload = ? WHERE batch_id = ?")
        .bind(payload)
        .bind(b.id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
