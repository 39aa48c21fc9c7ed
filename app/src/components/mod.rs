//! Reusable views without server calls.

mod can;
mod choice;
mod field;
mod notice;

pub use can::{Can, CurrentAccount};
pub use choice::{Segment, Segmented, VendorSwitch};
pub use field::{error_for, Field, SecretField, TextArea};
pub use notice::Notice;
