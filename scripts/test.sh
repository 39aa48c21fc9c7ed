#!/usr/bin/env bash
# Runs every check and test: formatting, clippy (server and WASM feature sets), unit and
# integration tests, the bundle scan, and the browser tests against the release binary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh" --browser
cd "$ROOT"
# One build per profile and no incremental caches: CI builds once, and they cost disk, not time.
export CARGO_INCREMENTAL=0
step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; SECONDS_AT=$SECONDS; }
done_step() { printf '    (%ss)\n' "$((SECONDS - SECONDS_AT))"; }

step "cargo fmt --check"; cargo fmt --all -- --check; done_step
step "release build (site + single binary)"; scripts/build-release.sh; done_step
step "clippy (server feature set)"; cargo clippy -p server -p engine -p app -p tests -p types -p simulator --all-targets --features app/ssr -- -D warnings; done_step
step "clippy (WASM feature set)"; cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings; done_step
step "unit and integration tests"; CHUDA_SITE_ROOT="$ROOT/target/site" cargo test; done_step
# A plain `cargo test` builds `app` without `ssr`, so its server-side unit tests run here.
step "app unit tests (ssr)"; cargo test -p app --features ssr --lib; done_step
step "OpenAPI document validates (openapi-spec-validator)"
if [ ! -x "$ROOT/target/pyenv/bin/openapi-spec-validator" ]; then
  python3 -m venv "$ROOT/target/pyenv"
  "$ROOT/target/pyenv/bin/pip" install --quiet --disable-pip-version-check openapi-spec-validator
fi
target/release/chuda openapi > target/openapi.json
"$ROOT/target/pyenv/bin/openapi-spec-validator" target/openapi.json; done_step
step "browser tests (Chromium)"
mkdir -p end2end/artifacts
for t in end2end/*.test.mjs; do
  echo "--- $t"
  (cd end2end && node "$(basename "$t")" "$ROOT/target/release/chuda")
done
done_step
printf '\n\033[1;32mall tests passed\033[0m\n'
