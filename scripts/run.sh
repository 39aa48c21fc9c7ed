#!/usr/bin/env bash
# Builds chuda (release, assets embedded) and starts it on its defaults:
# http://127.0.0.1:3000, data under ./data. Extra arguments go to `chuda serve`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
"$ROOT/scripts/build-release.sh"
cd "$ROOT"
exec ./target/release/chuda serve "$@"
