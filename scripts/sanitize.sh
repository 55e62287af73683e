#!/usr/bin/env bash
# Runs the test suite under a sanitizer: `scripts/sanitize.sh thread` (ThreadSanitizer: worker
# threads, progress counters, the interrupt path, child-process monitors) or
# `scripts/sanitize.sh address` (AddressSanitizer: the C interop, buffers, parsers).
# Builds into .build-<sanitizer>/ so the normal build is untouched. The wall-clock-sensitive
# suites (…TimingTests) are skipped: a sanitizer slows every thread several times over, so their
# timing assertions would measure the sanitizer. Any report makes the run fail.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

sanitizer="${1:-}"
case "$sanitizer" in
    thread|address) ;;
    *) echo "usage: scripts/sanitize.sh thread|address" >&2; exit 64 ;;
esac

scripts/setup.sh
interop/grpcgo/build.sh >/dev/null
scratch=".build-$sanitizer"
swift build --build-tests --scratch-path "$scratch" --sanitize="$sanitizer"
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
export ASAN_OPTIONS="halt_on_error=1 detect_leaks=0 ${ASAN_OPTIONS:-}"
log="$scratch/sanitize.log"
status=0
swift test --skip-build --scratch-path "$scratch" --sanitize="$sanitizer" --no-parallel --skip TimingTests 2>&1 | tee "$log" || status=$?
if grep -q "ThreadSanitizer:\|AddressSanitizer:" "$log"; then
    echo "sanitize.sh: $sanitizer sanitizer reports in $log" >&2
    grep -m 5 "ThreadSanitizer:\|AddressSanitizer:" "$log" >&2
    exit 1
fi
exit "$status"
