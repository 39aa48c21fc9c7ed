//! Static site files (`/pkg/chuda.{js,wasm,css}`, `public/`). With the `embed` feature they
//! are compiled into the binary, so the release `chuda` runs alone in an empty directory;
//! without it they are read from `target/site` (development). The release build precompresses
//! every file (`cargo leptos build --precompress`: `<file>.br`, `<file>.gz`); the variant the
//! browser accepts is served with `Content-Encoding`, brotli first.

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use std::borrow::Cow;

#[cfg(feature = "embed")]
#[derive(rust_embed::RustEmbed)]
#[folder = "../target/site"]
struct Site;

/// Encodings chuda has precompressed variants for, in order of preference.
const ENCODINGS: [(&str, &str); 2] = [("br", ".br"), ("gzip", ".gz")];

/// A site file: borrowed from the binary when embedded, read from disk otherwise.
type Bytes = Cow<'static, [u8]>;

pub async fn serve(req: Request) -> Response {
    let path = req.uri().path().trim_start_matches('/').to_owned();
    if path.ends_with(".br") || path.ends_with(".gz") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let (bytes, encoding) = match pick(req.headers(), &path).await {
        Some((bytes, encoding)) => (bytes, Some(encoding)),
        None => match load(&path).await {
            Some(bytes) => (bytes, None),
            None => return (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    };
    let cache = if path.starts_with("pkg/") { "no-cache" } else { "public, max-age=3600" };
    let mut res = Body::from(bytes).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime_for(&path)));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    res
}

/// The first precompressed variant of `path` that the request accepts and the site has.
async fn pick(headers: &HeaderMap, path: &str) -> Option<(Bytes, &'static str)> {
    let accepted = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or("");
    for (encoding, suffix) in ENCODINGS {
        if accepts(accepted, encoding) {
            if let Some(bytes) = load(&format!("{path}{suffix}")).await {
                return Some((bytes, encoding));
            }
        }
    }
    None
}

/// Whether an `Accept-Encoding` value accepts `encoding` (a `q=0` entry refuses it).
fn accepts(header: &str, encoding: &str) -> bool {
    header.split(',').any(|part| {
        let mut fields = part.split(';').map(str::trim);
        let name = fields.next().unwrap_or("");
        let refused = fields.any(|f| {
            let f = f.replace(' ', "");
            f.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
        });
        (name.eq_ignore_ascii_case(encoding) || name == "*") && !refused
    })
}

#[cfg(feature = "embed")]
async fn load(path: &str) -> Option<Bytes> {
    Site::get(path).map(|file| file.data)
}

#[cfg(not(feature = "embed"))]
async fn load(path: &str) -> Option<Bytes> {
    if path.split('/').any(|seg| seg == ".." || seg.is_empty()) {
        return None;
    }
    let root = std::env::var("CHUDA_SITE_ROOT").unwrap_or_else(|_| "target/site".into());
    tokio::fs::read(std::path::Path::new(&root).join(path)).await.ok().map(Cow::Owned)
}

/// The content type of a site file, by extension (the same for embedded and on-disk sites).
fn mime_for(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::accepts;

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0.5", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip, br; q=0.0", "br"));
        assert!(accepts("*", "gzip"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }
}
