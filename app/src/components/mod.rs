//! Reusable views without server calls.

mod can;
mod field;
mod notice;

pub use can::{Can, CurrentAccount};
pub use field::{error_for, Field, SecretField, TextArea};
pub use notice::Notice;
