//! The simulator as the engine's sandbox (沙箱模式): its address, accounts and template fixtures.

use super::{Simulator, TemplateStatus};
use engine::compliance::MessageKind;
use engine::sandbox::{Sandbox, SandboxTemplate, TemplateReview};
use std::net::SocketAddr;

impl Sandbox for Simulator {
    fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn account(&self, kind: MessageKind) -> (String, String) {
        let c = self.config();
        match kind {
            MessageKind::Marketing => (c.market_account, c.market_password),
            MessageKind::Notification => (c.account, c.password),
        }
    }

    fn template(&self, id: &str) -> Option<SandboxTemplate> {
        let t = self.config().templates.into_iter().find(|t| t.id == id)?;
        let review = match t.status {
            TemplateStatus::Approved => TemplateReview::Approved,
            TemplateStatus::Pending => TemplateReview::Pending,
            TemplateStatus::Rejected => TemplateReview::Rejected,
        };
        Some(SandboxTemplate { review, content: t.content })
    }
}
