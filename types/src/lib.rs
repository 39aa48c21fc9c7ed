//! The vocabulary the browser, the server and the engine share, so none of them mirrors
//! another's types: roles, campaign kinds/vendors/statuses, field errors, the SMS text rules
//! (`{$var}` slots, length, billing units) and the forms the builder and the REST API submit.
//! WASM-safe: it depends on serde only.

pub mod campaign;
pub mod ledger;
mod role;
pub mod sms;

pub use campaign::{BindingForm, CampaignForm, MessageKind, Status, Vendor};
pub use ledger::LedgerQuery;
pub use role::Role;

use serde::{Deserialize, Serialize};

/// One problem with one form field; `field` is the input's stable name. Messages are
/// Simplified Chinese because operators read them beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self { field: field.to_owned(), message: message.into() }
    }
}
