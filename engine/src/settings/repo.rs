//! SQL for `app_settings` and `vendor_configs`.

use crate::Db;
use sqlx::Row;

pub async fn get_value(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM app_settings WHERE key = ?").bind(key).fetch_optional(db).await
}

pub async fn set_value(db: &Db, key: &str, value: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO app_settings (key, value, updated_at) VALUES (?, ?, ?) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn insert_value_if_absent(db: &Db, key: &str, value: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO app_settings (key, value, updated_at) VALUES (?, ?, ?)")
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

pub struct VendorRow {
    pub enabled: bool,
    pub config_json: String,
    pub secret: Option<Vec<u8>>,
}

pub async fn load_vendor(db: &Db, vendor: &str) -> Result<Option<VendorRow>, sqlx::Error> {
    let row = sqlx::query("SELECT enabled, config_json, secret_enc FROM vendor_configs WHERE vendor = ?")
        .bind(vendor)
        .fetch_optional(db)
        .await?;
    row.map(|r| {
        Ok(VendorRow {
            enabled: r.try_get::<i64, _>("enabled")? != 0,
            config_json: r.try_get("config_json")?,
            secret: r.try_get("secret_enc")?,
        })
    })
    .transpose()
}

/// Upserts a vendor row; a `None` secret keeps the stored one.
pub async fn save_vendor(
    db: &Db,
    vendor: &str,
    enabled: bool,
    config_json: &str,
    secret: Option<&[u8]>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO vendor_configs (vendor, enabled, config_json, secret_enc, updated_at) VALUES (?, ?, ?, ?, ?) \
         ON CONFLICT(vendor) DO UPDATE SET enabled = excluded.enabled, config_json = excluded.config_json, \
         secret_enc = COALESCE(excluded.secret_enc, vendor_configs.secret_enc), updated_at = excluded.updated_at",
    )
    .bind(vendor)
    .bind(enabled as i64)
    .bind(config_json)
    .bind(secret)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_vendor(db: &Db, vendor: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM vendor_configs WHERE vendor = ?").bind(vendor).execute(db).await?;
    Ok(())
}
