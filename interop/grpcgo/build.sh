#!/usr/bin/env bash
# Builds h2stress-grpcgo offline into .build-go/h2stress-grpcgo (at the repo root) and prints
# the binary's path as its last line.
#
# GOPATH mode against the Debian packages (scripts/setup.sh installs them): golang-go,
# golang-google-grpc-dev (grpc-go 1.33) and golang-google-protobuf-dev, all under
# /usr/share/gocode/src. No module proxy, no network: GO111MODULE=off, GOFLAGS/GOPROXY unset.
# Fast when nothing changed: go's build cache (.build-go/cache) and its up-to-date check of
# the output binary skip the compile and the link.
#
#   interop/grpcgo/build.sh          # GOCODE=/other/gocode overrides /usr/share/gocode
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
gocode="${GOCODE:-/usr/share/gocode}"
out_dir="$root/.build-go"
binary="$out_dir/h2stress-grpcgo"

say() { printf 'build.sh: %s\n' "$*" >&2; }

if ! command -v go >/dev/null 2>&1; then
    say "go is not on PATH: install Debian's golang-go (scripts/setup.sh, or: sudo apt-get install golang-go)"
    exit 1
fi
for pkg in google.golang.org/grpc google.golang.org/protobuf/types/dynamicpb golang.org/x/net/http2; do
    if [[ ! -d "$gocode/src/$pkg" ]]; then
        say "$gocode/src/$pkg is missing: install golang-google-grpc-dev and golang-google-protobuf-dev (scripts/setup.sh)"
        exit 1
    fi
done

mkdir -p "$out_dir/cache"
cd "$here"
# A main package outside GOPATH builds in GOPATH mode; its imports come from $gocode.
env -u GOFLAGS -u GOPROXY GO111MODULE=off GOPATH="$gocode" GOCACHE="$out_dir/cache" \
    go build -trimpath -o "$binary" . || { say "go build failed"; exit 1; }
echo "$binary"
