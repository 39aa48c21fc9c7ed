#!/usr/bin/env bash
# Builds the single release binary target/release/chuda with the site (WASM, JS, CSS)
# embedded. The front end is built first: cargo-leptos builds front and server in parallel,
# which would embed an incomplete site.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# --precompress writes <file>.br and <file>.gz next to each site file; the server sends them.
cargo leptos build --release --frontend-only --precompress
# cargo-leptos' gzip is its default level; browsers that do not take brotli get gzip -9.
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css; do gzip -9 -n -c "$f" > "$f.gz"; done
cargo leptos build --release --server-only --bin-features embed
ls -l target/release/chuda
