//! The browser bundle (`target/site/pkg`) must not contain server-only code or secrets, and is
//! served precompressed. Built by `scripts/build-release.sh`; `scripts/test.sh` builds it first.

use std::path::PathBuf;

use crate::common;

fn site_pkg() -> Option<PathBuf> {
    let root = std::env::var("CHUDA_SITE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/site"));
    let pkg = root.join("pkg");
    pkg.join("chuda.wasm").exists().then_some(pkg)
}

#[test]
fn the_wasm_and_js_contain_no_server_crates_or_planted_secret() {
    let Some(pkg) = site_pkg() else {
        assert!(std::env::var_os("CI").is_none(), "target/site/pkg/chuda.wasm is missing: run scripts/test.sh");
        eprintln!("skipped: no built site (run `cargo leptos build` first)");
        return;
    };
    let forbidden = [
        "sqlx",
        "reqwest",
        "argon2",
        "chacha20",
        "rustls",
        "libsqlite3",
        "engine::settings",
        "engine::auth",
        "engine::provider",
        "engine::secrets",
        common::PLANTED,
        "master.key",
    ];
    for file in ["chuda.wasm", "chuda.js"] {
        let len = std::fs::metadata(pkg.join(file)).expect("bundle file").len();
        assert!(len > 1000, "{file} looks empty");
    }
    // The main bundle and every lazily loaded chunk (`--split`): WASM, JS and the loader.
    let files = bundle_files(&pkg);
    assert!(files.len() >= 2, "no bundle files in {}", pkg.display());
    for path in files {
        let bytes = std::fs::read(&path).expect("read bundle");
        for needle in forbidden {
            let found = bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "{} contains {needle:?}", path.display());
        }
    }
}

/// Every uncompressed `.wasm` and `.js` file under `pkg`, subdirectories included.
fn bundle_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read pkg").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(bundle_files(&path));
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("wasm" | "js")) {
            out.push(path);
        }
    }
    out
}

/// The release build precompresses the site; the server sends brotli to a browser that accepts
/// it, gzip to one that accepts only gzip, the plain file otherwise, and never the `.br` file
/// under its own name.
#[tokio::test]
async fn the_site_is_served_precompressed_by_accept_encoding() {
    let Some(pkg) = site_pkg().filter(|p| p.join("chuda.wasm.br").exists()) else {
        assert!(std::env::var_os("CI").is_none(), "target/site/pkg/chuda.wasm.br is missing: run scripts/test.sh");
        eprintln!("skipped: no precompressed site (run scripts/build-release.sh first)");
        return;
    };
    let app = common::spawn_app().await;
    let get = |encoding: &'static str| {
        let req = app.http.get(app.url("/pkg/chuda.wasm"));
        let req = if encoding.is_empty() { req } else { req.header("Accept-Encoding", encoding) };
        async move { req.send().await.expect("get wasm") }
    };
    let br = get("gzip, deflate, br").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["content-type"], "application/wasm");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    let body = br.bytes().await.expect("body");
    assert_eq!(body.as_ref(), std::fs::read(pkg.join("chuda.wasm.br")).expect("br file").as_slice());
    let gz = get("gzip, br;q=0").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    assert_eq!(&gz.bytes().await.expect("body")[..2], &[0x1f, 0x8b]);
    let plain = get("").await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(&plain.bytes().await.expect("body")[..4], b"\0asm");
    let direct = app.http.get(app.url("/pkg/chuda.wasm.br")).send().await.expect("get .br");
    assert_eq!(direct.status(), 404);
}
