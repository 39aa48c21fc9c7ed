//! Static site files (`/pkg/chuda.{js,wasm,css}`, `public/`). With the `embed` feature they
//! are compiled into the binary, so the release `chuda` runs alone in an empty directory;
//! without it they are read from `target/site` (development).

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};

#[cfg(feature = "embed")]
#[derive(rust_embed::RustEmbed)]
#[folder = "../target/site"]
struct Site;

pub async fn serve(req: Request) -> Response {
    let path = req.uri().path().trim_start_matches('/').to_owned();
    match load(&path).await {
        Some((bytes, mime)) => {
            let cache = if path.starts_with("pkg/") { "no-cache" } else { "public, max-age=3600" };
            ([(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache.to_owned())], Body::from(bytes))
                .into_response()
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

#[cfg(feature = "embed")]
async fn load(path: &str) -> Option<(Vec<u8>, String)> {
    let file = Site::get(path)?;
    Some((file.data.into_owned(), file.metadata.mimetype().to_owned()))
}

#[cfg(not(feature = "embed"))]
async fn load(path: &str) -> Option<(Vec<u8>, String)> {
    if path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
        return None;
    }
    let root = std::env::var("CHUDA_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    let bytes = tokio::fs::read(std::path::Path::new(&root).join(path)).await.ok()?;
    Some((bytes, mime_for(path).to_owned()))
}

#[cfg(not(feature = "embed"))]
fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}
