#!/usr/bin/env bash
# Builds and runs a libFuzzer target from Fuzz/<Target>/main.swift:
#   scripts/fuzz.sh ProfileLoader [seconds] [extra libFuzzer flags…]
# The package's modules are compiled with coverage instrumentation (-sanitize=fuzzer) and
# AddressSanitizer into .build-fuzz/, then linked with the target's LLVMFuzzerTestOneInput.
# The corpus starts from Fuzz/<Target>/corpus (committed seeds) and grows in
# .build-fuzz/corpus-<Target>; crashes are written to .build-fuzz/crash-<Target>-*.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target="${1:?usage: scripts/fuzz.sh <Target> [seconds] [libFuzzer flags…]}"
seconds="${2:-30}"
shift $(( $# >= 2 ? 2 : 1 ))
case "$target" in
    ProfileLoader) modules=(H2Profile H2Wire H2Loop CLinux Yams CYaml) ;;
    GRPCReader|FaultHeader|ProtobufBody) modules=(H2Wire CLinux) ;;
    RunJSON) modules=(H2Report H2Results H2Profile H2Wire H2Loop CLinux Yams CYaml Histogram Numerics RealModule ComplexModule _NumericsShims) ;;
    *) echo "fuzz.sh: unknown target $target (ProfileLoader, GRPCReader, ProtobufBody, FaultHeader, RunJSON)" >&2; exit 64 ;;
esac

# FUZZ_LONG=1: for runs of millions of executions, an optimised build with coverage only, about
# 3 times faster (Swift's own checks — bounds, overflow, unwrapping — still trap; C code loses
# AddressSanitizer). The default (debug, with AddressSanitizer) is what scripts/test.sh runs.
config=debug
scratch=.build-fuzz
sanitizers=fuzzer,address
optimise=()
if [ "${FUZZ_LONG:-0}" = 1 ]; then
    config=release
    scratch=.build-fuzz-long
    sanitizers=fuzzer
    optimise=(-O)
fi
flags=(-c "$config" -Xswiftc "-sanitize=$sanitizers" -Xswiftc -parse-as-library -Xcc "-fsanitize=${sanitizers/fuzzer/fuzzer-no-link}")
swift build --scratch-path "$scratch" --target "${modules[0]}" "${flags[@]}" >&2
objects=()
for m in "${modules[@]}"; do objects+=($(find "$scratch/$config/$m.build/" -name "*.o")); done
binary="$scratch/fuzz-$target"
maps=()
for map in "$scratch/$config"/CLinux.build/module.modulemap "$scratch"/checkouts/Yams/Sources/CYaml/include/module.modulemap \
           "$scratch"/checkouts/swift-numerics/Sources/_NumericsShims/include/module.modulemap Sources/CNghttp2/module.modulemap; do
    maps+=(-Xcc "-fmodule-map-file=$map")
done
swiftc "-sanitize=$sanitizers" -parse-as-library "${optimise[@]}" -I "$scratch/$config/Modules" "${maps[@]}" \
    "Fuzz/$target/main.swift" "${objects[@]}" -lnghttp2 -lssl -lcrypto -o "$binary"
corpus=".build-fuzz/corpus-$target"
mkdir -p "$corpus"
ASAN_OPTIONS="detect_leaks=0 ${ASAN_OPTIONS:-}" "$binary" "$corpus" "Fuzz/$target/corpus" \
    -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 -artifact_prefix=".build-fuzz/crash-$target-" "$@"
