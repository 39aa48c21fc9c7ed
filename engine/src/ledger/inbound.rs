//! Replies from phones (上行): stored once per (vendor, phone, time, content) and listed per
//! phone in 未收到排查 and 用户细查.

use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub phone: String,
    pub content: String,
    pub mo_time: String,
    pub sp_code: String,
    pub dest_code: String,
    pub notify_time: String,
}

/// Reads a pushed Chuanglan reply (§8.2: `mobile`, `msg`, `moTime`, `destcode`, `spCode`,
/// `notifyTime`); `None` when the phone or the content is missing.
pub fn from_chuanglan_push(q: &HashMap<String, String>) -> Option<Reply> {
    let get = |k: &str| q.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let reply = Reply {
        phone: crate::phone::normalize(&get("mobile")).ok()?,
        content: get("msg"),
        mo_time: get("moTime"),
        sp_code: get("spCode"),
        dest_code: [get("destcode"), get("destCode")].into_iter().find(|v| !v.is_empty()).unwrap_or_default(),
        notify_time: get("notifyTime"),
    };
    (!reply.content.is_empty()).then_some(reply)
}

/// Reads one pulled Chuanglan reply (§7.2: `mobile`, `messageContent`, `moTime`, `spCode`,
/// `destCode`).
pub fn from_chuanglan_pulled(v: &serde_json::Value) -> Option<Reply> {
    let get = |k: &str| crate::provider::json::text(v, k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let reply = Reply {
        phone: crate::phone::normalize(&get("mobile")).ok()?,
        content: get("messageContent"),
        mo_time: get("moTime"),
        sp_code: get("spCode"),
        dest_code: get("destCode"),
        notify_time: String::new(),
    };
    (!reply.content.is_empty()).then_some(reply)
}

/// Reads one element of an Aliyun SmsUp push (`phone_number`, `content`, `send_time`,
/// `dest_code`, `sequence_id`); the sequence id is kept as the platform code.
pub fn from_aliyun_push(v: &serde_json::Value) -> Option<Reply> {
    let get = |k: &str| crate::provider::json::text(v, k).map(|s| s.trim().to_owned()).unwrap_or_default();
    let reply = Reply {
        phone: crate::phone::normalize(&get("phone_number")).ok()?,
        content: get("content"),
        mo_time: get("send_time"),
        sp_code: get("sequence_id"),
        dest_code: get("dest_code"),
        notify_time: String::new(),
    };
    (!reply.content.is_empty()).then_some(reply)
}

/// Stores a reply; `false` when it was already stored. An opt-out reply (R, 退订 …) puts the
/// phone on the suppression list in the same step.
pub async fn store(db: &Db, vendor: &str, r: &Reply) -> Result<bool, super::LedgerError> {
    let done = sqlx::query(
        "INSERT OR IGNORE INTO inbound (vendor, phone, content, mo_time, sp_code, dest_code, notify_time, received_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(vendor)
    .bind(&r.phone)
    .bind(&r.content)
    .bind(&r.mo_time)
    .bind(&r.sp_code)
    .bind(&r.dest_code)
    .bind(&r.notify_time)
    .bind(clock::now())
    .execute(db)
    .await?;
    if crate::compliance::suppress::is_opt_out(&r.content) {
        let added = crate::compliance::suppress::add(db, &r.phone, "reply", vendor, &r.content, "").await;
        if let Err(crate::compliance::ComplianceError::Db(e)) = added {
            return Err(e.into());
        }
        if matches!(added, Ok(true)) {
            tracing::info!(phone = %crate::phone::mask(&r.phone), vendor, "phone suppressed by an opt-out reply");
        }
    }
    Ok(done.rows_affected() == 1)
}

/// The replies of one phone, newest first: (received at, content).
pub async fn of_phone(db: &Db, phone: &str) -> Result<Vec<(i64, String)>, super::LedgerError> {
    Ok(sqlx::query_as("SELECT received_at, content FROM inbound WHERE phone = ? ORDER BY id DESC LIMIT 100")
        .bind(phone)
        .fetch_all(db)
        .await?)
}
