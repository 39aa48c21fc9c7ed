//! The message ledger (发送记录): one row per message with its dispatch state and delivery
//! report, the status vocabulary, per-phone timelines for 未收到排查, and campaign statistics.

pub mod status;
