//! `#[server]` functions: thin adapters that authorize, call `engine`, and map to DTOs.
//! Every one of them except `login` requires a session.

pub mod aliyun;
pub mod auth;
pub mod campaigns;
pub mod chuanglan;
pub mod ledger;
#[cfg(feature = "ssr")]
pub mod phones;
pub mod segments;
#[cfg(feature = "ssr")]
pub mod session;
pub mod settings;
pub mod users;
