#!/usr/bin/env bash
# Runs the seed scenario grpc-go against grpc-go on 127.0.0.1: h2stress-grpcgo serve and
# h2stress-grpcgo client with the same stream and connection windows on both sides, and
# prints the client's JSON line and the server's stats line.
#
#   interop/grpcgo/seed.sh WINDOW [GOMAXPROCS] [client flags...]
#   interop/grpcgo/seed.sh 65535 1                      # expect 200 DeadlineExceeded, 47 received each
#   interop/grpcgo/seed.sh 1048576 2                    # expect 200 OK
#   interop/grpcgo/seed.sh 65535 1 -streams 20 -deadline 1s
#
# WINDOW 0 leaves grpc-go's default dynamic (BDP) windows. Bounded: the client's -timeout
# (default here 60 s) and a kill of the server 5 s after SIGTERM.
set -euo pipefail

if (($# < 1)); then
    sed -n '2,12p' "$0" >&2
    exit 2
fi
window="$1"
procs="${2:-$(nproc)}"
shift $(($# >= 2 ? 2 : 1))

binary="$("$(dirname "${BASH_SOURCE[0]}")/build.sh" | tail -n 1)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

: >"$work/server.out"    # exists before the loop below reads it (the redirect may come later)
GOMAXPROCS="$procs" "$binary" serve -port 0 -stream-window "$window" -conn-window "$window" \
    >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 100); do    # up to 10 s for the listening line
    port="$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/server.out")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.err" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$port" ]] || { echo "seed.sh: the server did not print its port" >&2; exit 1; }

client_status=0
GOMAXPROCS="$procs" "$binary" client -target "127.0.0.1:$port" -stream-window "$window" -conn-window "$window" \
    -timeout 60s "$@" || client_status=$?

kill -TERM "$server_pid"
for _ in $(seq 50); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
done
wait "$server_pid" || true
server_pid=""
grep '^stats ' "$work/server.out" || { echo "seed.sh: no stats line from the server" >&2; cat "$work/server.err" >&2; exit 1; }
exit "$client_status"
