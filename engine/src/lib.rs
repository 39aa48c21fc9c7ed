//! chuda's server-side domain: storage, credentials, operator auth, vendor settings and the
//! SMS vendor clients. Nothing here is compiled into the browser bundle.

pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod clock;
pub mod compliance;
pub mod db;
mod facade;
pub mod health;
pub mod ledger;
pub mod onboarding;
pub mod phone;
pub mod provider;
pub mod sandbox;
pub mod secrets;
pub mod segments;
pub mod settings;
pub use types::sms;
pub mod users;
pub mod validate;

pub use db::Db;
pub use facade::{Engine, EngineConfig};
