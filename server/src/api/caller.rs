//! Who is calling the REST API: a bearer token resolved to its name and role. Session cookies
//! are not accepted here, so a cross-site page can never act through the API.

use super::error::ApiError;
use app::state::ServerState;
use axum::extract::FromRequestParts;
use engine::auth::tokens::TokenAuth;
use engine::auth::Role;
use http::request::Parts;

pub struct Caller {
    pub token: TokenAuth,
    /// Client address, for the audit log.
    pub ip: String,
}

impl Caller {
    /// The token when its role allows `needed`, else 403.
    pub fn require(&self, needed: Role) -> Result<&TokenAuth, ApiError> {
        if self.token.role.allows(needed) {
            Ok(&self.token)
        } else {
            tracing::warn!(token = self.token.id, role = self.token.role.as_str(), "api call refused by role");
            Err(ApiError::forbidden())
        }
    }

    /// How the audit log names this caller.
    pub fn actor(&self) -> String {
        format!("API:{}", self.token.name)
    }

    pub async fn audit(&self, state: &ServerState, action: &str, target: &str, detail: &str) -> Result<(), ApiError> {
        let actor = self.actor();
        let r = engine::audit::Record { actor: &actor, action, target, detail, ip: &self.ip };
        engine::audit::record(&state.db, r).await.map_err(|e| ApiError::internal(&e))
    }
}

impl FromRequestParts<ServerState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ServerState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let token = engine::auth::tokens::authenticate(&state.db, presented)
            .await
            .map_err(|e| ApiError::internal(&e))?
            .ok_or_else(ApiError::unauthorized)?;
        if let Some(limiter) = parts.extensions.get::<std::sync::Arc<super::limit::Limiter>>() {
            if let Err(wait) = limiter.take(token.id) {
                tracing::warn!(token = token.id, wait_ms = wait.as_millis() as u64, "api call over the rate limit");
                return Err(ApiError::rate_limited(wait));
            }
        }
        let ip = parts
            .extensions
            .get::<app::api::session::axum_connect_info::Peer>()
            .map(|p| p.0.ip().to_string())
            .unwrap_or_default();
        Ok(Self { token, ip })
    }
}
