//! Reusable views without server calls.

mod field;
mod notice;

pub use field::{error_for, Field, SecretField, TextArea};
pub use notice::Notice;
