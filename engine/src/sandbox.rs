//! What the engine needs from 沙箱模式 (the built-in 创蓝 simulator, crate `simulator`): where it
//! listens, its notification and 营销 accounts, and what its console says about a template. The
//! engine only sees the sandbox through this trait, so it carries no HTTP server of its own.

use crate::compliance::MessageKind;
use crate::settings::chuanglan::{Config, Credentials, Options};
use std::net::SocketAddr;

/// A template's review state in the sandbox's simulated console (Chuanglan §16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateReview {
    Approved,
    Pending,
    Rejected,
}

/// A template the sandbox knows.
#[derive(Debug, Clone)]
pub struct SandboxTemplate {
    pub review: TemplateReview,
    pub content: String,
}

pub trait Sandbox: Send + Sync {
    /// The loopback address its 创蓝 API listens on.
    fn addr(&self) -> SocketAddr;
    /// Account and password for messages of `kind`: its 营销 account refuses content without
    /// 拒收请回复R exactly as a 创蓝 marketing account does.
    fn account(&self, kind: MessageKind) -> (String, String);
    fn template(&self, id: &str) -> Option<SandboxTemplate>;
}

/// Credentials that send `signature`d messages of `kind` through the sandbox.
pub fn credentials(sandbox: &dyn Sandbox, signature: &str, kind: MessageKind) -> Credentials {
    let (account, password) = sandbox.account(kind);
    let config = Config {
        signature: signature.to_owned(),
        account,
        host: sandbox.addr().to_string(),
        plain_http: true,
        options: Options::default(),
    };
    Credentials { config, password }
}
