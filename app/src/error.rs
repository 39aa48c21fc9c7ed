//! The one error type every server function returns. It is what crosses the wire, so it never
//! carries SQL, stack traces or credentials: unexpected failures are logged on the server under
//! a short `ref_id` and the browser sees only that id.

use crate::dto::FieldError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("输入有误")]
    Validation { errors: Vec<FieldError> },
    #[error("请先登录")]
    Unauthorized,
    #[error("没有权限执行此操作")]
    Forbidden,
    #[error("找不到该内容")]
    NotFound,
    #[error("{message}")]
    Conflict { message: String },
    #[error("{message}")]
    Rejected { message: String },
    #[error("{message}（错误码 {code}）")]
    ProviderRejected { code: String, message: String },
    #[error("服务器内部错误，请联系管理员（编号 {ref_id}）")]
    Internal { ref_id: String },
    #[error("与服务器通信失败：{message}")]
    Transport { message: String },
}

impl AppError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation { errors: vec![FieldError::new(field, message)] }
    }

    /// The message for `field`, when this is a validation error about it.
    pub fn field_message(&self, field: &str) -> Option<String> {
        match self {
            Self::Validation { errors } => errors.iter().find(|e| e.field == field).map(|e| e.message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => Self::Transport { message: m },
            other => Self::Transport { message: other.to_string() },
        }
    }
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::dto::FieldError;
    use engine::auth::AuthError;
    use engine::settings::SettingsError;

    impl AppError {
        /// Sets the HTTP status of the current server-function response to match this error,
        /// so API clients need not parse the body to tell a 422 from a 500.
        pub fn with_status(self) -> Self {
            use http::StatusCode;
            let status = match &self {
                Self::Validation { .. } => StatusCode::UNPROCESSABLE_ENTITY,
                Self::Unauthorized => StatusCode::UNAUTHORIZED,
                Self::Forbidden => StatusCode::FORBIDDEN,
                Self::NotFound => StatusCode::NOT_FOUND,
                Self::Conflict { .. } => StatusCode::CONFLICT,
                Self::Rejected { .. } => StatusCode::BAD_REQUEST,
                Self::ProviderRejected { .. } => StatusCode::BAD_GATEWAY,
                Self::Internal { .. } | Self::Transport { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            };
            if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                res.set_status(status);
            }
            self
        }

        /// Logs an unexpected failure with its cause chain and returns an opaque reference.
        pub fn internal(err: &dyn std::error::Error) -> Self {
            let ref_id = short_id();
            let mut chain = err.to_string();
            let mut source = err.source();
            while let Some(s) = source {
                chain.push_str(": ");
                chain.push_str(&s.to_string());
                source = s.source();
            }
            tracing::error!(ref_id = %ref_id, error = %chain, "request failed");
            Self::Internal { ref_id }.with_status()
        }
    }

    fn short_id() -> String {
        use std::time::{SystemTime, UNIX_EPOCH};
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        format!("E{:06X}", nanos & 0xFF_FFFF)
    }

    impl From<FieldError> for AppError {
        fn from(e: FieldError) -> Self {
            Self::Validation { errors: vec![e] }.with_status()
        }
    }

    impl From<SettingsError> for AppError {
        fn from(e: SettingsError) -> Self {
            match e {
                SettingsError::Invalid(errors) => Self::Validation { errors }.with_status(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::compliance::ComplianceError> for AppError {
        fn from(e: engine::compliance::ComplianceError) -> Self {
            match e {
                engine::compliance::ComplianceError::Invalid(errors) => Self::Validation { errors }.with_status(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<AuthError> for AppError {
        fn from(e: AuthError) -> Self {
            match e {
                AuthError::BadCredentials => Self::Rejected { message: "用户名或密码错误".into() }.with_status(),
                AuthError::WeakPassword(m) => Self::field("new_password", m).with_status(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::segments::SegmentError> for AppError {
        fn from(e: engine::segments::SegmentError) -> Self {
            use engine::segments::SegmentError as E;
            match e {
                E::Invalid(m) => Self::field("rule", m).with_status(),
                E::Duplicate(_) => Self::field("name", e.to_string()).with_status(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::campaigns::CampaignError> for AppError {
        fn from(e: engine::campaigns::CampaignError) -> Self {
            use engine::campaigns::CampaignError as E;
            match e {
                E::Invalid(m) => Self::Rejected { message: m }.with_status(),
                E::Fields(errors) => Self::Validation { errors }.with_status(),
                E::NotFound => Self::NotFound.with_status(),
                E::Segment(s) => s.into(),
                E::Users(u) => u.into(),
                E::Settings(s) => s.into(),
                E::Compliance(c) => c.into(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::ledger::LedgerError> for AppError {
        fn from(e: engine::ledger::LedgerError) -> Self {
            match e {
                engine::ledger::LedgerError::Campaign(c) => c.into(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::users::UsersError> for AppError {
        fn from(e: engine::users::UsersError) -> Self {
            match e {
                engine::users::UsersError::Invalid(m) => Self::Rejected { message: m }.with_status(),
                other => Self::internal(&other),
            }
        }
    }

    impl From<engine::provider::ProviderError> for AppError {
        fn from(e: engine::provider::ProviderError) -> Self {
            let message = match e.vendor_message {
                Some(v) => format!("{}（接口原文：{v}）", e.explanation),
                None => e.explanation,
            };
            Self::ProviderRejected { code: e.code, message }.with_status()
        }
    }

    #[cfg(test)]
    mod tests {
        use super::AppError;
        use engine::campaigns::CampaignError;

        #[test]
        fn internal_campaign_faults_reach_the_user_as_a_reference_not_as_text() {
            let e = AppError::from(CampaignError::Internal("stored batch is unreadable: secret detail".into()));
            assert!(matches!(&e, AppError::Internal { ref_id } if !ref_id.is_empty()), "{e:?}");
            assert!(!e.to_string().contains("secret detail"), "{e}");
            let e = AppError::from(CampaignError::Invalid("请填写活动名称".into()));
            assert!(matches!(&e, AppError::Rejected { message } if message == "请填写活动名称"), "{e:?}");
        }
    }
}
