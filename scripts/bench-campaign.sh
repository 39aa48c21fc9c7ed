#!/usr/bin/env bash
# Campaign benchmark (figures for the README): starts the release `chuda simulate-253` on
# loopback without records or reports, then `chuda-bench campaign`, which measures the
# simulator's raw capacity and then sends a campaign of N recipients through the real engine.
# Usage: scripts/bench-campaign.sh [recipients] [concurrency] [vendor latency ms] [--receipts]
# With --receipts the real server is then started on the same data and one status report per
# message is pushed to its callback route (see server/src/bin/chuda-bench/receipts.rs).
# With latency 0 the simulator answers as fast as it can and the run is CPU-bound (chuda and the
# simulator share the machine); a latency of 20–50 ms is what a real vendor API answers in.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
[ -x target/release/chuda ] || scripts/build-release.sh
cargo build --release -p server --bin chuda-bench
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./target/release/chuda simulate-253 --listen "127.0.0.1:$PORT" --no-records --no-reports --balance 1000000000000 --latency-ms "${3:-0}" &
SIM=$!
trap 'kill $SIM 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/sim/stats" >/dev/null && break; sleep 0.1; done
./target/release/chuda-bench campaign --sim "http://127.0.0.1:$PORT" --recipients "${1:-1000000}" --concurrency "${2:-4}" ${4:-}
