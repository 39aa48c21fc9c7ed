//! Reads a small text file chosen in the browser into a signal (名单分群 uploads).

use leptos::prelude::*;

/// Fills `into` with the text of the file picked in the input that fired `ev`.
pub fn read_into(ev: leptos::ev::Event, into: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            let promise = file.text();
            leptos::task::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(text) => {
                        into.set(text.as_string().unwrap_or_default().trim_start_matches('\u{feff}').to_owned())
                    }
                    Err(_) => into.set(String::new()),
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, into);
}
