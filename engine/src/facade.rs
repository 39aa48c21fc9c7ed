//! `Engine`: the one handle on everything chuda runs server side — the database, the master
//! key, the vendor clients and the sandbox, the segment index, the dispatcher and the receipts
//! writer. The console's server functions and the REST API are adapters over its methods
//! (campaign use cases: `campaigns::service` and `campaigns::check`).

use crate::campaigns::dispatch::{DispatchConfig, Dispatcher};
use crate::campaigns::vendors::VendorAccounts;
use crate::campaigns::{receipts, CampaignError};
use crate::provider::{aliyun, chuanglan};
use crate::sandbox::Sandbox;
use crate::secrets::MasterKey;
use crate::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct Engine {
    pub db: Db,
    pub key: MasterKey,
    pub chuanglan: chuanglan::Client,
    pub aliyun: aliyun::Client,
    /// The built-in 创蓝 simulator behind 沙箱模式 (loopback only).
    pub sandbox: Arc<dyn Sandbox>,
    /// Column cache for live segment counts; invalidated by imports and phone changes.
    pub segments: Arc<crate::segments::Index>,
    /// The campaign sending worker.
    pub dispatcher: Arc<Dispatcher>,
    /// Group-commit writer for pushed delivery reports.
    pub receipts: receipts::Writer,
    /// A submitted message without a report for this long is 超时未回执.
    pub receipt_timeout_secs: i64,
}

/// How the engine sends and settles messages.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub dispatch: DispatchConfig,
    pub receipt_timeout_secs: i64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

impl Engine {
    /// Wires the engine over an open database and marks the recipients a stop left in flight
    /// as unknown (returned: how many). Nothing runs until `start_workers`.
    pub async fn open(
        db: Db,
        key: MasterKey,
        sandbox: Arc<dyn Sandbox>,
        config: EngineConfig,
    ) -> Result<(Engine, u64), CampaignError> {
        let (chuanglan, aliyun) = (chuanglan::Client::default(), aliyun::Client::default());
        let accounts = VendorAccounts {
            db: db.clone(),
            key: key.clone(),
            sandbox: sandbox.clone(),
            chuanglan: chuanglan.clone(),
            aliyun: aliyun.clone(),
        };
        let dispatcher = Dispatcher::new(db.clone(), Arc::new(accounts), config.dispatch);
        let unknown = dispatcher.recover().await?;
        let engine = Engine {
            receipts: receipts::Writer::start(db.clone()),
            db,
            key,
            chuanglan,
            aliyun,
            sandbox,
            segments: Arc::default(),
            dispatcher,
            receipt_timeout_secs: config.receipt_timeout_secs,
        };
        Ok((engine, unknown))
    }

    /// Resumes campaigns that were sending, pulls reports every `pull_receipts` (when set) and
    /// starts the scheduler.
    pub async fn start_workers(&self, pull_receipts: Option<std::time::Duration>) -> Result<(), CampaignError> {
        self.dispatcher.kick().await?;
        if let Some(every) = pull_receipts {
            self.dispatcher.spawn_receipts_loop(every);
        }
        crate::campaigns::scheduler::spawn(self.clone());
        Ok(())
    }

    /// How campaigns reach their vendor (stored cards or the sandbox).
    pub fn accounts(&self) -> VendorAccounts {
        VendorAccounts {
            db: self.db.clone(),
            key: self.key.clone(),
            sandbox: self.sandbox.clone(),
            chuanglan: self.chuanglan.clone(),
            aliyun: self.aliyun.clone(),
        }
    }

    /// After users or phones change: drops cached segment columns and reloads the universe in
    /// the background; columns reload when a rule next needs them.
    pub fn users_changed(&self) {
        self.segments.invalidate();
        let (index, db) = (self.segments.clone(), self.db.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            match index.prewarm(&db).await {
                Ok(n) => {
                    tracing::info!(row_ids = n, ms = started.elapsed().as_millis() as u64, "segment universe loaded")
                }
                Err(e) => tracing::warn!(error = %e, "segment index prewarm failed"),
            }
        });
    }
}
