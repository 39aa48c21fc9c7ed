//! The browser bundle (`target/site/pkg`) must not contain server-only code or secrets.
//! Built by `cargo leptos build`; `scripts/test.sh` builds it before running this.

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
        let bytes = std::fs::read(pkg.join(file)).expect("read bundle");
        assert!(bytes.len() > 1000, "{file} looks empty");
        for needle in forbidden {
            let found = bytes.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()));
            assert!(!found, "{file} contains {needle:?}");
        }
    }
}
