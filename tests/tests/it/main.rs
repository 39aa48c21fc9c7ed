//! Every integration test in one binary: one link of the server instead of one per file (each
//! binary is several hundred MB; thirteen of them filled the CI disk).

mod aliyun;
mod api;
mod api_admin;
mod audience;
mod auth;
mod bundle;
mod campaigns;
mod chuanglan;
mod common;
mod compliance;
mod onboarding;
mod receipts;
mod reliability;
mod roles;
mod sms_settings;
