//! The message ledger (发送记录): one row per message with its dispatch state and delivery
//! report, the status vocabulary, per-phone timelines for 未收到排查, replies (上行), and
//! campaign statistics.

pub mod filter;
pub mod inbound;
pub mod query;
pub mod stats;
pub mod status;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Campaign(#[from] crate::campaigns::CampaignError),
}
