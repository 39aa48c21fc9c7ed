#!/usr/bin/env bash
# WASM size report. Prints the shipped bundle's sizes (target/site/pkg after
# scripts/build-release.sh: raw, gzip -9, and the brotli file the server sends) and a twiggy
# profile of the same code built with its function names kept (profile `wasm-analyze`, before
# wasm-bindgen and wasm-opt, so larger than the shipped file): top items, generic functions
# by monomorphization bloat, and the dominator tree's first levels.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
N="${N:-25}"
PKG=target/site/pkg/chuda.wasm
if [ -f "$PKG" ]; then
  printf 'shipped %s: raw %s, gzip -9 %s' "$PKG" "$(stat -c %s "$PKG")" "$(gzip -9 -c "$PKG" | wc -c)"
  [ -f "$PKG.br" ] && printf ', brotli %s' "$(stat -c %s "$PKG.br")"
  printf '\n'
  JS=target/site/pkg/chuda.js
  printf 'shipped %s: raw %s, gzip -9 %s\n' "$JS" "$(stat -c %s "$JS")" "$(gzip -9 -c "$JS" | wc -c)"
fi
command -v twiggy >/dev/null || cargo install twiggy
cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-analyze
W=target/wasm32-unknown-unknown/wasm-analyze/frontend.wasm
printf '\nanalysed %s: raw %s\n' "$W" "$(stat -c %s "$W")"
echo; echo "== twiggy top -n $N"; twiggy top -n "$N" "$W"
echo; echo "== twiggy monos -n $N (generic functions and their copies)"; twiggy monos -n "$N" "$W"
echo; echo "== twiggy dominators -d 2 -r $N"; twiggy dominators -d 2 -r "$N" "$W"
