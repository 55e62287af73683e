#!/usr/bin/env python3
"""Checks the schema-less echo service h2stress.echo.Echo of an interop gRPC server.

Works against both servers that implement it (same contract, see their docs):

  python3 interop/grpc_server.py --port PORT                   (grpcio)
  .build-go/h2stress-grpcgo serve -port PORT                    (grpc-go, interop/grpcgo)

  python3 interop/echo_check.py --port PORT [--host 127.0.0.1] [--timeout 10]

Calls /h2stress.echo.Echo/Unary and /Stream with raw bytes (no serializers) and checks
message counts, bytes, statuses and timing for the echo-repeat, echo-stop-after,
echo-status, echo-interval-ms and echo-size metadata, bad metadata, cancellation of a pause
by the deadline, and that grpc.testing.TestService/UnaryCall still answers. Prints one line
per check ("ok   ..." / "FAIL ...") and a summary; exits 0 when every check passed, 1 otherwise.
Every call has a deadline, so the run is bounded.
"""
import argparse
import os
import sys
import threading
import time

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grpc_client import M, MAX_MESSAGE  # noqa: E402

UNARY = "/h2stress.echo.Echo/Unary"
STREAM = "/h2stress.echo.Echo/Stream"
STATUS_MESSAGE = "echo-status asked"


def outcome(error):
    return (error.code(), error.details())


class Checker:
    def __init__(self, channel, timeout):
        self.unary = channel.unary_unary(UNARY, request_serializer=None, response_deserializer=None)
        self.stream = channel.unary_stream(STREAM, request_serializer=None, response_deserializer=None)
        self.test_unary = channel.unary_unary("/grpc.testing.TestService/UnaryCall",
                                              request_serializer=M["SimpleRequest"].SerializeToString,
                                              response_deserializer=M["SimpleResponse"].FromString)
        self.timeout = timeout
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print("%s %s: %s" % ("ok  " if ok else "FAIL", name, detail), flush=True)

    # --- calls: (responses, code, details, seconds); never raise for a gRPC error ---

    def call_unary(self, request, metadata=(), timeout=None):
        start = time.monotonic()
        try:
            response = self.unary(request, metadata=metadata, timeout=timeout or self.timeout)
            return [response], grpc.StatusCode.OK, "", time.monotonic() - start
        except grpc.RpcError as e:
            return [], e.code(), e.details(), time.monotonic() - start

    def call_stream(self, request, metadata=(), timeout=None):
        """Responses and the arrival time of each (seconds after the call started)."""
        start = time.monotonic()
        responses, arrivals = [], []
        try:
            for response in self.stream(request, metadata=metadata, timeout=timeout or self.timeout):
                responses.append(response)
                arrivals.append(time.monotonic() - start)
            code, details = grpc.StatusCode.OK, ""
        except grpc.RpcError as e:
            code, details = e.code(), e.details()
        return responses, code, details, time.monotonic() - start, arrivals


def sizes(responses):
    return [len(r) for r in responses]


def run(c):
    patterned = bytes(i % 251 for i in range(1000))

    # Unary: the request bytes back, unchanged, for several sizes.
    for request in [b"", b"\x00", b"hello echo", patterned, os.urandom(70_000), os.urandom(1 << 20)]:
        got, code, details, _ = c.call_unary(request)
        c.check("Unary echoes %d B" % len(request), code == grpc.StatusCode.OK and got == [request],
                "status %s, response sizes %s" % (code.name, sizes(got)))

    # Unary echo-size: S bytes of 'e', whatever the request.
    for size in [0, 7, 70_000]:
        got, code, _, _ = c.call_unary(b"request bytes", metadata=[("echo-size", str(size))])
        c.check("Unary echo-size %d" % size, code == grpc.StatusCode.OK and got == [b"e" * size],
                "status %s, response sizes %s, all 'e': %s" % (code.name, sizes(got), all(set(r) <= {0x65} for r in got)))

    # Unary echo-status: no message, the status and its message.
    for status in [5, 13, 16]:
        got, code, details, _ = c.call_unary(b"x", metadata=[("echo-status", str(status))])
        want = next(s for s in grpc.StatusCode if s.value[0] == status)
        c.check("Unary echo-status %d" % status, got == [] and code == want and details == STATUS_MESSAGE,
                "status %s %r, %d messages" % (code.name, details, len(got)))
    got, code, _, _ = c.call_unary(b"ok", metadata=[("echo-status", "0")])
    c.check("Unary echo-status 0 (OK)", code == grpc.StatusCode.OK and got == [b"ok"],
            "status %s, responses %r" % (code.name, got))

    # Unary ignores echo-repeat and echo-stop-after.
    got, code, _, _ = c.call_unary(b"abc", metadata=[("echo-repeat", "5"), ("echo-stop-after", "0")])
    c.check("Unary ignores echo-repeat/echo-stop-after", code == grpc.StatusCode.OK and got == [b"abc"],
            "status %s, responses %r" % (code.name, got))

    # Unary echo-interval-ms: the reply comes after the pause; a deadline ends the pause.
    got, code, _, seconds = c.call_unary(b"late", metadata=[("echo-interval-ms", "300")])
    c.check("Unary echo-interval-ms 300", code == grpc.StatusCode.OK and got == [b"late"] and 0.29 <= seconds < 3,
            "status %s, %.3f s" % (code.name, seconds))
    got, code, _, seconds = c.call_unary(b"never", metadata=[("echo-interval-ms", "20000")], timeout=0.3)
    c.check("Unary echo-interval-ms 20000 with a 0.3 s deadline", code == grpc.StatusCode.DEADLINE_EXCEEDED and got == [],
            "status %s after %.3f s" % (code.name, seconds))

    # Stream: default 3, echo-repeat N (0 too).
    got, code, _, _, _ = c.call_stream(patterned)
    c.check("Stream default repeat", code == grpc.StatusCode.OK and got == [patterned] * 3,
            "status %s, response sizes %s" % (code.name, sizes(got)))
    for repeat in [0, 1, 10, 200]:
        got, code, _, _, _ = c.call_stream(b"s" * 100, metadata=[("echo-repeat", str(repeat))])
        c.check("Stream echo-repeat %d" % repeat, code == grpc.StatusCode.OK and got == [b"s" * 100] * repeat,
                "status %s, %d messages" % (code.name, len(got)))
    got, code, _, _, _ = c.call_stream(b"", metadata=[("echo-repeat", "4")])
    c.check("Stream echoes an empty message", code == grpc.StatusCode.OK and got == [b""] * 4,
            "status %s, response sizes %s" % (code.name, sizes(got)))

    # Stream echo-stop-after: the first K of N, then OK.
    for repeat, stop in [(5, 2), (5, 0), (3, 10), (4, 4)]:
        got, code, _, _, _ = c.call_stream(b"t", metadata=[("echo-repeat", str(repeat)), ("echo-stop-after", str(stop))])
        c.check("Stream echo-repeat %d echo-stop-after %d" % (repeat, stop),
                code == grpc.StatusCode.OK and got == [b"t"] * min(repeat, stop),
                "status %s, %d messages" % (code.name, len(got)))

    # Stream echo-status: the messages, then the status.
    for metadata, count, name in [([("echo-repeat", "2"), ("echo-status", "9")], 2, "FAILED_PRECONDITION"),
                                  ([("echo-status", "5")], 3, "NOT_FOUND"),
                                  ([("echo-repeat", "0"), ("echo-status", "14")], 0, "UNAVAILABLE"),
                                  ([("echo-repeat", "6"), ("echo-stop-after", "1"), ("echo-status", "8")], 1, "RESOURCE_EXHAUSTED")]:
        got, code, details, _, _ = c.call_stream(b"u", metadata=metadata)
        c.check("Stream %s" % " ".join("%s %s" % kv for kv in metadata),
                got == [b"u"] * count and code.name == name and details == STATUS_MESSAGE,
                "%d messages, then %s %r" % (len(got), code.name, details))

    # Stream echo-interval-ms: a pause before each message.
    got, code, _, seconds, arrivals = c.call_stream(b"i", metadata=[("echo-repeat", "4"), ("echo-interval-ms", "100")])
    gaps = [b - a for a, b in zip([0.0] + arrivals, arrivals)]
    c.check("Stream echo-repeat 4 echo-interval-ms 100",
            code == grpc.StatusCode.OK and got == [b"i"] * 4 and all(g >= 0.09 for g in gaps) and seconds < 5,
            "status %s, arrivals %s s" % (code.name, ["%.3f" % a for a in arrivals]))
    got, code, _, seconds, _ = c.call_stream(b"d", metadata=[("echo-repeat", "3"), ("echo-interval-ms", "200")], timeout=0.5)
    c.check("Stream echo-interval-ms 200 x3 with a 0.5 s deadline",
            code == grpc.StatusCode.DEADLINE_EXCEEDED and 1 <= len(got) <= 2 and seconds < 2,
            "%d messages, then %s after %.3f s" % (len(got), code.name, seconds))

    # Stream echo-size: S bytes of 'e' per message.
    for size, repeat in [(0, 2), (3, 2), (100_000, 3)]:
        got, code, _, _, _ = c.call_stream(b"ignored", metadata=[("echo-size", str(size)), ("echo-repeat", str(repeat))])
        c.check("Stream echo-size %d echo-repeat %d" % (size, repeat),
                code == grpc.StatusCode.OK and got == [b"e" * size] * repeat,
                "status %s, response sizes %s" % (code.name, sizes(got)))

    # Bad metadata: INVALID_ARGUMENT before any message.
    for key, value in [("echo-repeat", "abc"), ("echo-repeat", "-1"), ("echo-stop-after", "1.5"),
                       ("echo-status", "17"), ("echo-interval-ms", "5ms"), ("echo-size", str(MAX_MESSAGE + 1)),
                       ("echo-repeat", "99999999999")]:
        got_u, code_u, details_u, _ = c.call_unary(b"v", metadata=[(key, value)])
        got_s, code_s, details_s, _, _ = c.call_stream(b"v", metadata=[(key, value)])
        bad = grpc.StatusCode.INVALID_ARGUMENT
        c.check("bad %s %r" % (key, value),
                code_u == bad and code_s == bad and not got_u and not got_s and key in details_u and key in details_s,
                "Unary %s %r, Stream %s (%d messages)" % (code_u.name, details_u, code_s.name, len(got_s)))

    # Concurrency: 8 streams with pauses at once, on one channel.
    results = [None] * 8

    def one(i):
        results[i] = c.call_stream(b"%d" % i, metadata=[("echo-repeat", "5"), ("echo-interval-ms", "50")])

    start = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(results))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(c.timeout + 5)
    seconds = time.monotonic() - start
    c.check("8 concurrent streams x 5 messages every 50 ms",
            all(r is not None and r[1] == grpc.StatusCode.OK and r[0] == [b"%d" % i] * 5 for i, r in enumerate(results))
            and seconds < 2.0,
            "%.3f s, messages %s" % (seconds, [len(r[0]) if r else None for r in results]))

    # TestService is still there.
    try:
        response = c.test_unary(M["SimpleRequest"](response_size=10), timeout=c.timeout)
        code, body = grpc.StatusCode.OK, len(response.payload.body)
    except grpc.RpcError as e:
        code, body = e.code(), None
    c.check("grpc.testing.TestService/UnaryCall still answers", code == grpc.StatusCode.OK and body == 10,
            "status %s, body %s B" % (code.name, body))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--timeout", type=float, default=10.0, help="deadline of each call, seconds")
    args = parser.parse_args()
    options = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]
    target = "%s:%d" % (args.host, args.port)
    with grpc.insecure_channel(target, options=options) as channel:
        try:
            grpc.channel_ready_future(channel).result(timeout=args.timeout)
        except grpc.FutureTimeoutError:
            print("FAIL cannot connect to %s within %.1f s" % (target, args.timeout))
            return 1
        c = Checker(channel, args.timeout)
        try:
            run(c)
        except Exception as e:  # a bug in a check is a failure, not a traceback without the summary
            c.check("unexpected exception", False, "%s: %s" % (type(e).__name__, e))
    print("%s: %d checks passed, %d failed (%s, grpcio client %s)"
          % ("OK" if c.failed == 0 else "FAILED", c.passed, c.failed, target, grpc.__version__))
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
