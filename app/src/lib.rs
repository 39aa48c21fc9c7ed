#![recursion_limit = "512"]
//! chuda's browser UI: the HTML shell, route table, pages and the `#[server]` functions they
//! call. Compiled natively with `ssr` (server rendering, server functions run here) and to
//! WASM with `hydrate`. Only `ssr` pulls in `engine`, so credentials, SQL and HTTP clients can
//! never reach the browser bundle.

pub mod api;
pub mod components;
pub mod dto;
pub mod error;
pub mod pages;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod state;
pub mod text;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, Lazy};

/// Name of the compiled site bundle: `/pkg/chuda.{js,wasm,css}`.
pub const OUTPUT_NAME: &str = "chuda";

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The page's Content-Security-Policy: scripts only from this origin or inline with this
/// response's nonce (Leptos puts it on the hydration and streaming scripts), WebAssembly
/// compilation allowed, nothing framed, no plugins, forms and requests to this origin only.
/// Inline `style` attributes stay allowed (progress bars and chart widths use them).
#[cfg(feature = "ssr")]
fn set_page_csp() {
    let Some(nonce) = leptos::nonce::use_nonce() else { return };
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'"
    );
    if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(&csp)) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/chuda.css"/>
        <Title text=text::PRODUCT/>
        <Router>
            <Routes fallback=|| view! { <p class="not-found">{text::NOT_FOUND}</p> }>
                <Route path=path!("/login") view=pages::login::LoginPage/>
                <ParentRoute path=path!("") view=pages::shell::Shell>
                    <Route path=path!("/") view=|| view! { <Redirect path=pages::HOME/> }/>
                    <Route path=path!("/users") view={Lazy::<routes::UsersRoute>::new()}/>
                    <Route path=path!("/users/lookup") view={Lazy::<routes::UserLookupRoute>::new()}/>
                    <Route path=path!("/segments") view={Lazy::<routes::SegmentsRoute>::new()}/>
                    <Route path=path!("/segments/new") view={Lazy::<routes::SegmentEditorRoute>::new()}/>
                    <Route path=path!("/segments/:id") view={Lazy::<routes::SegmentEditorRoute>::new()}/>
                    <Route path=path!("/campaigns") view={Lazy::<routes::CampaignsRoute>::new()}/>
                    <Route path=path!("/campaigns/new") view={Lazy::<routes::CampaignBuilderRoute>::new()}/>
                    <Route path=path!("/campaigns/:id") view={Lazy::<routes::CampaignRoute>::new()}/>
                    <Route path=path!("/ledger") view={Lazy::<routes::LedgerRoute>::new()}/>
                    <Route path=path!("/troubleshoot") view={Lazy::<routes::TroubleshootRoute>::new()}/>
                    <Route path=path!("/suppressions") view={Lazy::<routes::SuppressionsRoute>::new()}/>
                    <Route path=path!("/settings/sms") view={Lazy::<routes::SmsSettingsRoute>::new()}/>
                    <Route path=path!("/account") view={Lazy::<routes::AccountRoute>::new()}/>
                    <Route path=path!("/admin/accounts") view={Lazy::<routes::AccountsRoute>::new()}/>
                    <Route path=path!("/admin/tokens") view={Lazy::<routes::TokensRoute>::new()}/>
                    <Route path=path!("/admin/audit") view={Lazy::<routes::AuditRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
