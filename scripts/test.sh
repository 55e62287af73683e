#!/usr/bin/env bash
# The project's test command: checks/installs prerequisites, builds everything (including
# the h2stress executable and the grpc-go server the interop tests start), then runs every
# test target.
# Tests run serially: the loopback interop tests bind port 0 and would be safe in parallel,
# but on 2 cores serial keeps timings (and load-sensitive assertions) predictable.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
interop/grpcgo/build.sh >/dev/null   # the grpc-go interop server the interop tests start
# The import check makes an undeclared import (a back-edge in the module graph) a build error.
swift build --build-tests --explicit-target-dependency-import-check error
swift test --skip-build --no-parallel
# The 2-minute soak: 1,000 churning paced streams against the embedded target; a false
# truncated/integrity verdict or growing file descriptors fail it (exit 2). BENCHMARKS.md has the 1-hour run.
.build/debug/h2stress bench --scenarios soak --duration 2m
# libFuzzer on the parsers that read what users and servers send (Fuzz/): a crash, a hang or
# 1 GB of memory fails the run.
scripts/fuzz.sh ProfileLoader 30
scripts/fuzz.sh GRPCReader 20
scripts/fuzz.sh ProtobufBody 10
scripts/fuzz.sh FaultHeader 10
scripts/fuzz.sh RunJSON 15
