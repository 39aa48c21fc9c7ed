#![recursion_limit = "512"]
//! The `chuda` binary as a library: configuration, startup and the HTTP router, so that
//! integration tests run exactly what ships.

pub mod api;
pub mod assets;
pub mod config;
pub mod import_cli;
pub mod routes;
pub mod simulate;
pub mod startup;

pub use startup::Application;
