#!/usr/bin/env bash
# Builds the single release binary target/release/chuda with the site (WASM, JS, CSS)
# embedded. The front end is built first: cargo-leptos builds front and server in parallel,
# which would embed an incomplete site.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# --precompress writes <file>.br and <file>.gz next to each site file; the server sends them.
cargo leptos build --release --frontend-only --precompress --split
# cargo-leptos' gzip is its default level; browsers that do not take brotli get gzip -9.
# --split puts each lazy page in its own WASM chunk, loaded when the page is first shown.
find target/site/pkg -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' \) \
  -exec sh -c 'for f; do gzip -9 -n -c "$f" > "$f.gz"; done' sh {} +
cargo leptos build --release --server-only --bin-features embed
ls -l target/release/chuda
