#!/usr/bin/env bash
# Installs what building chuda needs, skipping anything already present:
# the pinned Rust toolchain with the wasm target, cargo-leptos, wasm-bindgen-cli at the
# exact version in Cargo.lock, and wasm-opt from npm (Debian's binaryen breaks hydration).
# Usage: source scripts/setup.sh [--browser]   (--browser adds Chromium and playwright-core)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLCHAIN="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$ROOT/rust-toolchain.toml")"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if ! rustup toolchain list | grep -q "^$TOOLCHAIN"; then
  say "installing Rust $TOOLCHAIN"
  rustup toolchain install "$TOOLCHAIN" --profile minimal --component clippy,rustfmt --target wasm32-unknown-unknown
else
  rustup component add clippy rustfmt --toolchain "$TOOLCHAIN" >/dev/null 2>&1 || true
  rustup target add wasm32-unknown-unknown --toolchain "$TOOLCHAIN" >/dev/null 2>&1 || true
fi
export RUSTUP_TOOLCHAIN="$TOOLCHAIN"

if ! command -v cargo-leptos >/dev/null 2>&1; then
  say "installing cargo-leptos (about 12 minutes, once)"
  cargo install cargo-leptos --locked
fi

WBG="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/, ""); print; exit}' "$ROOT/Cargo.lock")"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WBG" ]; then
  say "installing wasm-bindgen-cli $WBG"
  cargo install wasm-bindgen-cli --version "$WBG" --force
fi

if [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ]; then
  say "installing wasm-opt (npm binaryen)"
  (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
fi
export PATH="$ROOT/tools/node_modules/.bin:$PATH"

if [ "${1:-}" = "--browser" ]; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Chromium (Debian)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  if [ ! -d "$ROOT/end2end/node_modules/playwright-core" ]; then
    say "installing playwright-core"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund)
  fi
fi
