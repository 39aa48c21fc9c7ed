//! `#[server]` functions: thin adapters that authorize, call `engine`, and map to DTOs.
//! Every one of them except `login` requires a session and the role its action needs
//! (管理员 ⊇ 运营 ⊇ 只读, see `session::require`); the UI hides what a role cannot do.

pub mod aliyun;
pub mod auth;
pub mod campaigns;
pub mod chuanglan;
pub mod compliance;
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod lookups;
pub mod onboarding;
#[cfg(feature = "ssr")]
pub mod phones;
pub mod segments;
#[cfg(feature = "ssr")]
pub mod session;
pub mod settings;
#[cfg(feature = "ssr")]
pub mod sms_config;
pub mod team;
pub mod users;
