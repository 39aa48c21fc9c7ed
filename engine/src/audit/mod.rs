//! The audit log: who did what and when — logins, configuration changes (never secret
//! values), phone reveals, campaign actions, exports, account and token changes. Rows are only
//! ever inserted (the table's triggers refuse updates and deletes); queries page newest first.

use crate::{clock, Db};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};

/// One audited action about to be written.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    /// Client address, when the action came over HTTP.
    pub ip: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only entries with a smaller id (keyset paging).
    pub before: Option<i64>,
    pub limit: u32,
}

/// Actions and how the audit page names them.
pub const ACTIONS: &[(&str, &str)] = &[
    ("login", "登录成功"),
    ("login_failed", "登录失败"),
    ("logout", "退出登录"),
    ("password_change", "修改密码"),
    ("settings_phone_attribute", "修改手机号属性"),
    ("settings_chuanglan", "修改创蓝配置"),
    ("settings_chuanglan_sandbox", "切换沙箱模式"),
    ("settings_aliyun", "修改阿里云配置"),
    ("settings_compliance", "修改合规设置"),
    ("suppression_add", "加入退订名单"),
    ("suppression_remove", "移出退订名单"),
    ("export_suppressions", "导出退订名单"),
    ("vendor_test_send", "发送测试短信"),
    ("reveal_phone", "查看完整号码"),
    ("import_users", "导入用户"),
    ("segment_save", "保存分群"),
    ("segment_delete", "删除分群"),
    ("campaign_create", "创建活动"),
    ("campaign_start", "开始活动"),
    ("campaign_pause", "暂停活动"),
    ("campaign_resume", "继续活动"),
    ("campaign_cancel", "取消活动"),
    ("campaign_resend_failed", "重发失败"),
    ("export_ledger", "导出发送记录"),
    ("export_segment", "导出分群成员"),
    ("account_create", "新建账号"),
    ("account_role", "修改角色"),
    ("account_disable", "停用账号"),
    ("account_enable", "启用账号"),
    ("account_password_reset", "重置密码"),
    ("token_create", "创建 API 令牌"),
    ("token_revoke", "吊销 API 令牌"),
];

pub fn action_label(action: &str) -> &str {
    ACTIONS.iter().find(|(a, _)| *a == action).map_or(action, |(_, l)| l)
}

pub async fn record(db: &Db, r: Record<'_>) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(clock::now())
        .bind(r.actor)
        .bind(r.action)
        .bind(r.target)
        .bind(r.detail)
        .bind(r.ip)
        .execute(db)
        .await?;
    Ok(())
}

/// Entries matching `f`, newest first, at most `f.limit` (1–500).
pub async fn query(db: &Db, f: &Filter) -> Result<Vec<Entry>, sqlx::Error> {
    let mut q: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT id, at, actor, action, target, detail, ip FROM audit_log WHERE 1 = 1");
    if let Some(a) = &f.actor {
        q.push(" AND actor = ").push_bind(a.clone());
    }
    if let Some(a) = &f.action {
        q.push(" AND action = ").push_bind(a.clone());
    }
    if let Some(t) = f.from {
        q.push(" AND at >= ").push_bind(t);
    }
    if let Some(t) = f.to {
        q.push(" AND at <= ").push_bind(t);
    }
    if let Some(b) = f.before {
        q.push(" AND id < ").push_bind(b);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(f.limit.clamp(1, 500)));
    let rows = q.build().fetch_all(db).await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                target: r.try_get("target")?,
                detail: r.try_get("detail")?,
                ip: r.try_get("ip")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
