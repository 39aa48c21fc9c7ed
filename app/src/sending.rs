//! Wires the campaign dispatcher to the stored vendor settings (server only): which client and
//! credentials a campaign sends through, the sandbox for sandbox campaigns, and the scheduler
//! that starts campaigns when their time comes.

use engine::campaigns::dispatch::Providers;
use engine::campaigns::{Campaign, Vendor};
use engine::compliance::MessageKind;
use engine::provider::{aliyun, chuanglan, ErrorClass, ProviderError, SmsProvider};
use engine::secrets::MasterKey;
use engine::settings::chuanglan::{Config, Credentials};
use engine::Db;
use std::sync::Arc;

pub struct VendorAccounts {
    pub db: Db,
    pub key: MasterKey,
    pub sandbox: Arc<engine::simulator::chuanglan::Simulator>,
    pub chuanglan: chuanglan::Client,
    pub aliyun: aliyun::Client,
}

fn not_ready(vendor: &str) -> ProviderError {
    ProviderError::new(
        ErrorClass::Configuration,
        "not-configured",
        format!("{vendor}未配置或已停用，请在短信配置中开通"),
    )
}

#[async_trait::async_trait]
impl Providers for VendorAccounts {
    async fn provider(&self, c: &Campaign) -> Result<Arc<dyn SmsProvider>, ProviderError> {
        let settings_error = |e: engine::settings::SettingsError| {
            ProviderError::new(ErrorClass::Configuration, "settings", format!("读取短信配置失败：{e}"))
        };
        match c.vendor {
            Vendor::Chuanglan if c.sandbox => {
                let creds = sandbox_credentials(&self.sandbox, &c.signature, c.kind);
                Ok(Arc::new(chuanglan::Provider { client: self.chuanglan.clone(), creds }))
            }
            Vendor::Chuanglan => {
                let view = engine::settings::chuanglan::view(&self.db).await.map_err(settings_error)?;
                let creds = engine::settings::chuanglan::credentials_for(&self.db, &self.key, c.kind)
                    .await
                    .map_err(settings_error)?;
                match (creds.filter(|_| view.enabled), c.kind) {
                    (Some(creds), _) => Ok(Arc::new(chuanglan::Provider { client: self.chuanglan.clone(), creds })),
                    (None, MessageKind::Marketing) if view.enabled => Err(ProviderError::new(
                        ErrorClass::Configuration,
                        "no-market-account",
                        "营销短信须通过创蓝营销账号发送：请在短信配置 → 创蓝 253 填写营销账号和密码",
                    )),
                    (None, _) => Err(not_ready("创蓝")),
                }
            }
            Vendor::Aliyun => {
                let view = engine::settings::aliyun::view(&self.db).await.map_err(settings_error)?;
                let creds = engine::settings::aliyun::credentials(&self.db, &self.key).await.map_err(settings_error)?;
                match creds.filter(|_| view.enabled) {
                    Some(creds) => Ok(Arc::new(aliyun::Provider { client: self.aliyun.clone(), creds })),
                    None => Err(not_ready("阿里云")),
                }
            }
        }
    }
}

/// The sandbox account for messages of `kind`: its 营销 account refuses content without
/// 拒收请回复R exactly as a 创蓝 marketing account does.
pub fn sandbox_credentials(
    sandbox: &engine::simulator::chuanglan::Simulator,
    signature: &str,
    kind: MessageKind,
) -> Credentials {
    let sim = sandbox.config();
    let (account, password) = match kind {
        MessageKind::Marketing => (sim.market_account, sim.market_password),
        MessageKind::Notification => (sim.account, sim.password),
    };
    let config = Config {
        signature: signature.to_owned(),
        account,
        host: sandbox.addr.to_string(),
        plain_http: true,
        options: engine::settings::chuanglan::Options::default(),
    };
    Credentials { config, password }
}

/// Starts due scheduled campaigns once a second, wakes campaigns whose send window opened,
/// and purges ledger rows past retention once an hour; the schedule id is the idempotency key, so a
/// restart or a concurrent manual start never starts one twice. An Aliyun campaign whose
/// template is not approved when its time comes goes back to draft with the reason.
pub fn spawn_scheduler(state: crate::state::ServerState) {
    let purged_at = std::sync::Arc::new(std::sync::Mutex::new(None::<std::time::Instant>));
    let db = state.db.clone();
    engine::health::supervise(&db, "scheduler", std::time::Duration::from_secs(1), move || {
        let (state, purged_at) = (state.clone(), purged_at.clone());
        async move { schedule_round(&state, &purged_at).await }
    });
}

/// One scheduler tick: hourly retention purge, waiting campaigns whose window opened, and
/// scheduled campaigns that are due. A failed query fails the round (the supervisor retries).
async fn schedule_round(
    state: &crate::state::ServerState,
    purged_at: &std::sync::Mutex<Option<std::time::Instant>>,
) -> Result<(), String> {
    let purge_due = {
        let mut at = purged_at.lock().unwrap_or_else(|p| p.into_inner());
        let due = at.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(3_600));
        if due {
            *at = Some(std::time::Instant::now());
        }
        due
    };
    if purge_due {
        purge(state).await;
    }
    wake_waiting(state).await;
    let due = sqlx_due(&state.db).await.map_err(|e| format!("查询到期的定时活动失败：{e}"))?;
    for id in due {
        if let Err(reason) = approved(state, id).await {
            tracing::warn!(campaign = id, "scheduled campaign held: template not approved");
            if let Err(e) = engine::campaigns::hold(&state.db, id, &reason).await {
                tracing::warn!(campaign = id, error = %e, "cannot hold the scheduled campaign");
            }
            continue;
        }
        match engine::campaigns::start(&state.segments, &state.db, id, &format!("schedule-{id}")).await {
            Ok(_) => state.dispatcher.spawn(id),
            Err(e) => tracing::warn!(campaign = id, error = %e, "scheduled start failed"),
        }
    }
    Ok(())
}

/// Deletes ledger rows past the retention period (hourly, a few campaigns at a time).
async fn purge(state: &crate::state::ServerState) {
    let days = match engine::compliance::policy(&state.db).await {
        Ok(p) => p.retention_days,
        Err(e) => return tracing::warn!(error = %e, "reading the retention policy failed"),
    };
    if let Err(e) = engine::compliance::retention::purge(&state.db, days, 20).await {
        tracing::warn!(error = %e, "retention purge failed");
    }
}

/// Campaigns held outside their send window go back to sending when it opens.
async fn wake_waiting(state: &crate::state::ServerState) {
    match engine::campaigns::wake_due(&state.db, engine::clock::now()).await {
        Ok(ids) => {
            for id in ids {
                tracing::info!(campaign = id, "send window open: campaign resumes");
                state.dispatcher.spawn(id);
            }
        }
        Err(e) => tracing::warn!(error = %e, "waking waiting campaigns failed"),
    }
}

async fn approved(state: &crate::state::ServerState, id: i64) -> Result<(), String> {
    match engine::campaigns::get(&state.db, id).await {
        Ok(Some(c)) => crate::api::campaigns::check::require_approved(state, &c).await.map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

async fn sqlx_due(db: &Db) -> Result<Vec<i64>, engine::campaigns::CampaignError> {
    engine::campaigns::due(db, engine::clock::now()).await
}
