#![recursion_limit = "512"]
//! The WASM entry point: hydrates the server-rendered page. Depends on `app` with `hydrate`
//! only, so no server code (engine, sqlx, reqwest) is compiled in.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // Marks the page as interactive (browser tests wait for it).
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "1");
    }
}
