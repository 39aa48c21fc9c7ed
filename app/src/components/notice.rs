//! A status line under a form: success in green, problems in red.

use leptos::prelude::*;

#[component]
pub fn Notice(
    /// `Some(Ok(text))` for success, `Some(Err(text))` for a problem, `None` hides it.
    message: Signal<Option<Result<String, String>>>,
    #[prop(optional)] test_id: &'static str,
) -> impl IntoView {
    move || {
        message.get().map(|m| {
            let (class, text) = match m {
                Ok(t) => ("notice ok", t),
                Err(t) => ("notice err", t),
            };
            view! { <p class=class role="status" data-testid=test_id>{text}</p> }
        })
    }
}
