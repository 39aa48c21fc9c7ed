#![recursion_limit = "512"]
//! The WASM entry point: hydrates the server-rendered page. Depends on `app` with `hydrate`
//! only, so no server code (engine, sqlx, reqwest) is compiled in.
//!
//! Hydration is asynchronous: the console's pages are lazy routes (`app::routes`), so the
//! router first fetches the current page's WASM chunk, then hydrates it.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::tachys::dom::body();
        leptos::mount::hydrate_from_async(body.clone(), app::App).await.forget();
        // Marks the page as interactive (browser tests wait for it).
        let _ = body.set_attribute("data-hydrated", "1");
    });
}
