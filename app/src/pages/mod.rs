//! One module per route.

pub mod account;
pub mod admin;
pub mod campaigns;
pub mod ledger;
pub mod login;
pub mod segments;
pub mod shell;
pub mod sms_settings;
pub mod suppressions;
pub mod troubleshoot;
pub mod users;

/// Where a signed-in operator lands.
pub const HOME: &str = "/settings/sms";

/// Full navigation (not client-side routing) so the next page is rendered with the new cookie.
pub fn go(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = leptos::prelude::window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// Text for a failed action, for a status line.
pub fn error_text(e: &crate::error::AppError) -> String {
    match e {
        crate::error::AppError::Validation { .. } => crate::text::FIX_FIELDS.to_owned(),
        other => other.to_string(),
    }
}

/// Percent-encodes everything but unreserved ASCII, for a query-string value.
pub fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Bumps `tick` every `secs` seconds while `active()` holds (for pages that refresh
/// themselves); the timer stops with the component.
pub fn refresh_while(
    tick: leptos::prelude::RwSignal<u64>,
    secs: u64,
    active: impl Fn() -> bool + Send + Sync + 'static,
) {
    use leptos::prelude::*;
    let active = std::sync::Arc::new(active);
    Effect::new(move |_| {
        let active = active.clone();
        let handle = set_interval_with_handle(
            move || {
                if active() {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_secs(secs),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
}
