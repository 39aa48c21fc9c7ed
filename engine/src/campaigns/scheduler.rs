//! The scheduler: once a second it starts due scheduled campaigns, wakes campaigns whose send
//! window opened, and once an hour purges ledger rows past retention. The schedule id is the
//! idempotency key, so a restart or a concurrent manual start never starts one twice; an Aliyun
//! campaign whose template is not approved when its time comes goes back to draft with the reason.

use crate::Engine;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs the scheduler under the health supervisor (service `scheduler`).
pub fn spawn(engine: Engine) {
    let purged_at = std::sync::Arc::new(Mutex::new(None::<Instant>));
    let db = engine.db.clone();
    crate::health::supervise(&db, "scheduler", Duration::from_secs(1), move || {
        let (engine, purged_at) = (engine.clone(), purged_at.clone());
        async move { round(&engine, &purged_at).await }
    });
}

/// One tick: hourly retention purge, waiting campaigns whose window opened, and scheduled
/// campaigns that are due. A failed query fails the round (the supervisor retries).
async fn round(engine: &Engine, purged_at: &Mutex<Option<Instant>>) -> Result<(), String> {
    if purge_due(purged_at) {
        purge(engine).await;
    }
    wake_waiting(engine).await;
    let due = super::due(&engine.db, crate::clock::now()).await.map_err(|e| format!("查询到期的定时活动失败：{e}"))?;
    for id in due {
        if let Err(reason) = approved(engine, id).await {
            tracing::warn!(campaign = id, "scheduled campaign held: template not approved");
            if let Err(e) = super::hold(&engine.db, id, &reason).await {
                tracing::warn!(campaign = id, error = %e, "cannot hold the scheduled campaign");
            }
            continue;
        }
        match super::start(&engine.segments, &engine.db, id, &format!("schedule-{id}")).await {
            Ok(_) => engine.dispatcher.spawn(id),
            Err(e) => tracing::warn!(campaign = id, error = %e, "scheduled start failed"),
        }
    }
    Ok(())
}

fn purge_due(purged_at: &Mutex<Option<Instant>>) -> bool {
    let mut at = purged_at.lock().unwrap_or_else(|p| p.into_inner());
    let due = at.is_none_or(|t| t.elapsed() >= Duration::from_secs(3_600));
    if due {
        *at = Some(Instant::now());
    }
    due
}

/// Deletes ledger rows past the retention period (a few campaigns at a time).
async fn purge(engine: &Engine) {
    let days = match crate::compliance::policy(&engine.db).await {
        Ok(p) => p.retention_days,
        Err(e) => return tracing::warn!(error = %e, "reading the retention policy failed"),
    };
    if let Err(e) = crate::compliance::retention::purge(&engine.db, days, 20).await {
        tracing::warn!(error = %e, "retention purge failed");
    }
}

/// Campaigns held outside their send window go back to sending when it opens.
async fn wake_waiting(engine: &Engine) {
    match super::wake_due(&engine.db, crate::clock::now()).await {
        Ok(ids) => {
            for id in ids {
                tracing::info!(campaign = id, "send window open: campaign resumes");
                engine.dispatcher.spawn(id);
            }
        }
        Err(e) => tracing::warn!(error = %e, "waking waiting campaigns failed"),
    }
}

async fn approved(engine: &Engine, id: i64) -> Result<(), String> {
    match super::get(&engine.db, id).await {
        Ok(Some(c)) => engine.require_approved(&c).await.map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}
