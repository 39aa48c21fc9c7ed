//! The pieces both load benchmarks share: a real server on a temporary data directory, a
//! signed-in console client, and seeding users through the engine import.

use server::config::Settings;
use server::Application;
use std::path::PathBuf;

pub const PASSWORD: &str = "bench-admin-password";

/// The server on 127.0.0.1 with `change` applied, and its data directory (remove when done).
pub async fn start_server(change: impl FnOnce(&mut Settings)) -> anyhow::Result<(Application, PathBuf)> {
    let dir = std::env::temp_dir().join(format!("chuda-bench-load-{}", std::process::id()));
    let mut s = Settings::default();
    s.server.listen = "127.0.0.1:0".into();
    s.storage.data_dir = dir.clone();
    s.auth.admin_password = PASSWORD.into();
    change(&mut s);
    Ok((Application::build(&s).await?, dir))
}

/// `n` users (`c0…`, phones 139…, a name each), imported through the engine before anything
/// is measured.
pub async fn seed(app: &Application, n: u64) -> anyhow::Result<()> {
    let mut csv = String::with_capacity(n as usize * 32);
    csv.push_str("user_id,phone,name\n");
    for i in 0..n {
        csv.push_str(&format!("c{i},139{:08},会员{i}\n", i));
    }
    let opts = engine::users::import::ImportOptions {
        format: engine::users::import::Format::Csv,
        encoding: engine::users::import::Encoding::Utf8,
        types: Default::default(),
        file_name: "seed.csv".into(),
        actor: "bench".into(),
    };
    engine::users::import::run(&app.state.db, Box::new(std::io::Cursor::new(csv.into_bytes())), opts).await?;
    app.state.users_changed();
    Ok(())
}

/// Logs in as admin; the session cookie on success.
pub async fn login(http: &reqwest::Client, base: &str) -> anyhow::Result<Option<String>> {
    let res = http
        .post(format!("{base}/api/auth/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await?;
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(|c| c.split(';').next().unwrap_or("").to_owned());
    Ok(cookie.filter(|_| res.status().is_success()))
}

/// A signed-in console client.
pub struct Session {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: String,
}

impl Session {
    pub async fn new(app: &Application) -> anyhow::Result<Self> {
        let (http, base) = (reqwest::Client::new(), app.url());
        let cookie = login(&http, &base).await?.ok_or_else(|| anyhow::anyhow!("admin login failed"))?;
        Ok(Self { http, base, cookie })
    }

    pub async fn call(&self, endpoint: &str, body: serde_json::Value) -> anyhow::Result<serde_json::Value> {
        let url = format!("{}/api/{endpoint}", self.base);
        let res = self.http.post(url).header("Cookie", &self.cookie).json(&body).send().await?;
        let status = res.status();
        let text = res.text().await?;
        anyhow::ensure!(status.is_success(), "{endpoint}: {status} {text}");
        Ok(serde_json::from_str(&text)?)
    }

    /// A GET whose body is read and dropped chunk by chunk; returns (status, bytes).
    pub async fn drain(&self, path: &str) -> anyhow::Result<(u16, u64)> {
        let mut res = self.http.get(format!("{}{path}", self.base)).header("Cookie", &self.cookie).send().await?;
        let status = res.status().as_u16();
        let mut bytes = 0u64;
        while let Some(chunk) = res.chunk().await? {
            bytes += chunk.len() as u64;
        }
        Ok((status, bytes))
    }
}

/// A rule segment of everyone with a name.
pub async fn everyone(s: &Session) -> anyhow::Result<i64> {
    let seg = serde_json::json!({"form": {"id": null, "name": "全部", "description": "", "kind": "rule", "list": "",
        "rule": {"all": true, "conditions": [{"attribute": "name", "op": "is_set", "values": []}], "groups": []}}});
    s.call("segments/save", seg).await?["id"].as_i64().ok_or_else(|| anyhow::anyhow!("no segment id"))
}

/// This process's resident set now and its peak since the last [`reset_peak`], in MiB.
pub fn rss() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets the peak resident set (Linux `clear_refs` 5).
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
