//! JSON errors of the REST API: `{"error": {"code", "message", "fields"}}` with a stable
//! machine-readable `code` and a Chinese `message` for people.

use app::error::AppError;
use axum::response::{IntoResponse, Response};
use axum::Json;
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: `unauthorized`, `forbidden`, `not_found`, `validation_failed`, `conflict`,
    /// `rejected`, `provider_rejected`, `bad_request`, `rate_limited`, `internal`.
    pub code: &'static str,
    pub message: String,
    /// Field errors for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldProblem>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<FieldProblem>,
    /// Seconds for `Retry-After` (rate-limited calls).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), fields: Vec::new(), retry_after: None }
    }

    /// `429` with `Retry-After`: the token's call budget is spent for now.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut e =
            Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("该令牌调用过于频繁，请 {secs} 秒后重试"));
        e.retry_after = Some(secs.max(1));
        e
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "缺少或无效的 API 令牌（Authorization: Bearer …）")
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "该令牌的角色无权执行此操作")
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "找不到该内容")
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut e = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message.clone());
        e.fields.push(FieldProblem { field: field.to_owned(), message });
        e
    }

    /// Logs the cause chain under a reference, as the console does; the client sees the reference.
    pub fn internal(e: &dyn std::error::Error) -> Self {
        AppError::internal(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { error: ErrorDetail { code: self.code, message: self.message, fields: self.fields } };
        let mut res = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        res
    }
}

/// The console's errors (same validation, same Chinese messages) in the API's shape.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::Validation { errors } => {
                let mut out = Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", message);
                if let Some(first) = errors.first() {
                    out.message = first.message.clone();
                }
                out.fields = errors.into_iter().map(|f| FieldProblem { field: f.field, message: f.message }).collect();
                out
            }
            AppError::Unauthorized => Self::unauthorized(),
            AppError::Forbidden => Self::forbidden(),
            AppError::NotFound => Self::not_found(),
            AppError::Conflict { .. } => Self::new(StatusCode::CONFLICT, "conflict", message),
            AppError::Rejected { .. } => Self::new(StatusCode::BAD_REQUEST, "rejected", message),
            AppError::ProviderRejected { .. } => Self::new(StatusCode::BAD_GATEWAY, "provider_rejected", message),
            AppError::Internal { .. } | AppError::Transport { .. } => {
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            }
        }
    }
}

macro_rules! via_app_error {
    ($($t:ty),*) => {$(
        impl From<$t> for ApiError {
            fn from(e: $t) -> Self {
                AppError::from(e).into()
            }
        }
    )*};
}
via_app_error!(
    engine::segments::SegmentError,
    engine::campaigns::CampaignError,
    engine::users::UsersError,
    engine::ledger::LedgerError,
    engine::compliance::ComplianceError,
    types::FieldError
);
