//! Startup: data directory, database and migrations, master key, first-run admin, then the
//! axum server with graceful shutdown.

use crate::config::Settings;
use app::state::ServerState;
use engine::auth::{Bootstrap, LoginThrottle};
use engine::campaigns::dispatch::DispatchConfig;
use engine::secrets::MasterKey;
use engine::{Engine, EngineConfig};
use simulator::chuanglan::{SimConfig, Simulator};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server.
pub struct Application {
    pub addr: SocketAddr,
    pub state: ServerState,
    /// The simulator behind 沙箱模式 (the engine sees it as `engine::sandbox::Sandbox`).
    pub sandbox: Arc<Simulator>,
    shutdown: Option<oneshot::Sender<()>>,
    handle: JoinHandle<std::io::Result<()>>,
    /// How long shutdown waits for in-flight vendor requests.
    drain: std::time::Duration,
}

impl Application {
    /// Prepares storage and binds the listener (port 0 picks a free port).
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        let (state, sandbox) = prepare(settings).await?;
        let listener = tokio::net::TcpListener::bind(settings.listen_addr()?).await?;
        let addr = listener.local_addr()?;
        // The sandbox pushes its delivery reports to this server's own callback route, the
        // path a real 创蓝 account is configured with.
        let token = engine::settings::callback_token(&state.db).await?;
        sandbox.configure(|c| {
            c.push_url = Some(format!("http://{addr}/hooks/chuanglan/{token}/report"));
            c.mo_push_url = Some(format!("http://{addr}/hooks/chuanglan/{token}/mo"));
        });
        let loopback = addr.ip().is_loopback();
        let s = &settings.server;
        if !loopback && s.allowed_hosts.is_empty() {
            tracing::warn!("listening on {addr} with no server.allowed_hosts: any Host header is accepted");
        }
        if !loopback && !s.secure_cookies {
            tracing::warn!(
                "listening on {addr} without server.secure_cookies: session cookies are not marked Secure; \
                 serve chuda over https and set it"
            );
        }
        let policy = crate::routes::HttpPolicy::new(loopback, &s.allowed_hosts, s.secure_cookies);
        let limiter = crate::api::Limiter::new(settings.api.rate_per_minute, settings.api.burst).map(Arc::new);
        let router = crate::routes::router(state.clone(), addr, policy, limiter);
        let (tx, rx) = oneshot::channel::<()>();
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let handle = tokio::spawn(async move {
            axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        tracing::info!("chuda is listening on http://{addr}");
        let drain = std::time::Duration::from_secs(settings.sending.drain_secs);
        Ok(Self { addr, state, sandbox, shutdown: Some(tx), handle, drain })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Runs until Ctrl-C / SIGTERM, then drains connections.
    pub async fn run_until_stopped(mut self) -> anyhow::Result<()> {
        shutdown_signal().await;
        tracing::info!("shutting down");
        self.stop().await
    }

    /// Stops accepting connections, lets the dispatcher record the answers of requests in
    /// flight (bounded by `sending.drain_secs`), then closes the database.
    pub async fn stop(&mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let drained = self.state.dispatcher.drain(self.drain).await;
        (&mut self.handle).await??;
        if drained {
            tracing::info!("in-flight vendor requests recorded; closing the database");
        }
        self.state.db.close().await;
        Ok(())
    }
}

async fn prepare(settings: &Settings) -> anyhow::Result<(ServerState, Arc<Simulator>)> {
    // The data directory holds the database (personal data) and the master key: owner only.
    engine::secrets::private_dir(&settings.storage.data_dir)?;
    let db = engine::db::open(&settings.database_path()).await?;
    restrict_database_file(&settings.database_path())?;
    let key = master_key(settings)?;
    let configured = Some(settings.auth.admin_password.as_str()).filter(|p| !p.is_empty());
    announce(engine::auth::bootstrap_admin(&db, configured).await?);
    let sandbox = Arc::new(start_sandbox(settings.sending.sandbox_delivered_ratio).await?);
    let s = &settings.sending;
    let config = EngineConfig {
        dispatch: DispatchConfig {
            rate_per_sec: s.rate_per_sec,
            concurrency: s.concurrency,
            max_attempts: s.max_attempts,
            backoff_ms: s.backoff_ms,
        },
        receipt_timeout_secs: (s.receipt_timeout_hours.max(1) * 3600) as i64,
    };
    let (engine, unknown) = Engine::open(db, key, sandbox.clone(), config).await?;
    if unknown > 0 {
        tracing::warn!(
            recipients = unknown,
            "recipients were in flight when chuda stopped; marked unknown, not resent"
        );
    }
    let state = ServerState {
        engine,
        throttle: Arc::new(LoginThrottle::default()),
        lookups: Arc::new(app::api::lookups::limiter()),
        secure_cookies: settings.server.secure_cookies,
        stats_cache: Arc::default(),
    };
    state.users_changed();
    resume_imports(state.clone());
    let pull = (s.pull_receipts_secs > 0).then(|| std::time::Duration::from_secs(s.pull_receipts_secs));
    state.start_workers(pull).await?;
    Ok((state, sandbox))
}

/// `chuda.db` is created by SQLite with the process umask; make it owner-only (0600). SQLite
/// gives its `-wal` and `-shm` files the database file's mode.
fn restrict_database_file(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if p.exists() {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
        }
    }
    Ok(())
}

/// Completes, in the background, imports that a stop cut short while they were being applied.
fn resume_imports(state: ServerState) {
    tokio::spawn(async move {
        match engine::users::import::resume(&state.db).await {
            Ok(0) => {}
            Ok(n) => {
                tracing::info!(imports = n, "interrupted imports completed");
                state.users_changed();
            }
            Err(e) => tracing::error!(error = %e, "cannot complete interrupted imports"),
        }
    });
}

/// The sandbox simulator: loopback, a free port, a password nobody needs to know.
async fn start_sandbox(delivered_ratio: f64) -> anyhow::Result<Simulator> {
    let config = SimConfig {
        account: "SANDBOX".into(),
        password: uuid_like(),
        market_account: "SANDBOX_YX".into(),
        market_password: uuid_like(),
        report_delay_ms: 1_000,
        delivered_ratio,
        ..SimConfig::default()
    };
    Ok(Simulator::start(SocketAddr::from(([127, 0, 0, 1], 0)), config).await?)
}

fn uuid_like() -> String {
    use std::fmt::Write;
    let key = MasterKey::generate().seal("sandbox", b"");
    key.iter().take(16).fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn master_key(settings: &Settings) -> anyhow::Result<MasterKey> {
    if !settings.security.master_key.is_empty() {
        return Ok(MasterKey::from_base64(&settings.security.master_key)?);
    }
    let path = settings.master_key_path();
    let (key, created) = MasterKey::load_or_create(&path)?;
    if created {
        tracing::warn!(path = %path.display(), "generated a new master key (mode 0600); back it up with the database");
    }
    Ok(key)
}

/// Tells the operator how to log in the first time. The generated password is printed once,
/// to the console only (not to the structured log).
fn announce(outcome: Bootstrap) {
    match outcome {
        Bootstrap::Existing => {}
        Bootstrap::CreatedFromConfig => {
            tracing::info!("created the admin account with the password from configuration (auth.admin_password)");
        }
        Bootstrap::CreatedGenerated(password) => {
            let line = "=".repeat(64);
            eprintln!(
                "\n{line}\n  chuda 首次启动：已创建管理员账号 / first run: admin account created\n\n    用户名 username : admin\n    初始密码 password: {password}\n\n  请登录后在「账号设置」中修改密码。此密码只显示这一次。\n  Log in and change it under 账号设置. It is shown only this once.\n{line}\n"
            );
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
