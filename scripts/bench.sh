#!/usr/bin/env bash
# Builds h2stress (release) and runs `h2stress bench`, writing the figures to
# results/bench-<UTC time>.json as well. Extra arguments go to `h2stress bench`,
# e.g. scripts/bench.sh --repeats 3 --duration 5s
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product h2stress
mkdir -p results
out="results/bench-$(date -u +%Y%m%dT%H%M%SZ).json"
exec .build/release/h2stress bench --json "$out" "$@"
