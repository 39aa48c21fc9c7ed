#!/usr/bin/env bash
# Builds the single release binary target/release/chuda with the site (WASM, JS, CSS)
# embedded. The front end is built first: cargo-leptos builds front and server in parallel,
# which would embed an incomplete site.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo leptos build --release --frontend-only
cargo leptos build --release --server-only --bin-features embed
ls -l target/release/chuda
