//! The first-run checklist (开始使用): which of the five setup steps a new installation has
//! done, read from real state each time — the phone attribute, a vendor or the sandbox,
//! imported users, a segment, a completed campaign — and whether an account dismissed it.

use crate::settings::{self, repo};
use crate::{clock, Db};

/// The steps, in the order an operator takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// The phone attribute was chosen, or the default one was imported.
    pub phone_attribute: bool,
    /// 创蓝 or 阿里云 is saved and enabled, or 沙箱模式 is on.
    pub vendor: bool,
    pub users: bool,
    pub segment: bool,
    /// A campaign (sandbox or real) has completed.
    pub campaign: bool,
}

impl Progress {
    pub fn all_done(&self) -> bool {
        self.phone_attribute && self.vendor && self.users && self.segment && self.campaign
    }
}

fn dismissed_key(account: i64) -> String {
    format!("onboarding_dismissed:{account}")
}

async fn exists(db: &Db, sql: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar::<_, i64>(sql).fetch_optional(db).await?.is_some())
}

pub async fn progress(db: &Db) -> Result<Progress, settings::SettingsError> {
    let attribute = settings::phone_attribute(db).await?;
    let chosen = repo::get_value(db, settings::PHONE_ATTRIBUTE_KEY).await?.is_some();
    let imported: Option<i64> = sqlx::query_scalar("SELECT 1 FROM attributes WHERE name = ? LIMIT 1")
        .bind(&attribute)
        .fetch_optional(db)
        .await?;
    let chuanglan = settings::chuanglan::view(db).await?;
    let aliyun = settings::aliyun::view(db).await?;
    let vendor = (chuanglan.enabled && chuanglan.config.is_some())
        || (aliyun.enabled && aliyun.config.is_some())
        || settings::chuanglan::sandbox(db).await?;
    Ok(Progress {
        phone_attribute: chosen || imported.is_some(),
        vendor,
        users: exists(db, "SELECT 1 FROM users LIMIT 1").await?,
        segment: exists(db, "SELECT 1 FROM segments LIMIT 1").await?,
        campaign: exists(db, "SELECT 1 FROM campaigns WHERE status = 'completed' LIMIT 1").await?,
    })
}

pub async fn dismissed(db: &Db, account: i64) -> Result<bool, sqlx::Error> {
    Ok(repo::get_value(db, &dismissed_key(account)).await?.is_some())
}

/// Hides the checklist for `account` (or shows it again).
pub async fn set_dismissed(db: &Db, account: i64, dismissed: bool) -> Result<(), sqlx::Error> {
    if dismissed {
        repo::set_value(db, &dismissed_key(account), "1", clock::now()).await
    } else {
        sqlx::query("DELETE FROM app_settings WHERE key = ?").bind(dismissed_key(account)).execute(db).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_installation_has_nothing_done_and_dismissal_is_per_account() {
        let dir = tempfile::tempdir().expect("dir");
        let db = crate::db::open(&dir.path().join("t.db")).await.expect("db");
        let p = progress(&db).await.expect("progress");
        assert_eq!(p, Progress::default());
        settings::chuanglan::set_sandbox(&db, true).await.expect("sandbox");
        settings::set_phone_attribute(&db, "mobile").await.expect("attr");
        let p = progress(&db).await.expect("progress");
        assert!(p.vendor && p.phone_attribute && !p.users && !p.all_done(), "{p:?}");
        set_dismissed(&db, 1, true).await.expect("dismiss");
        assert!(dismissed(&db, 1).await.expect("1") && !dismissed(&db, 2).await.expect("2"));
        set_dismissed(&db, 1, false).await.expect("undo");
        assert!(!dismissed(&db, 1).await.expect("1"));
    }
}
