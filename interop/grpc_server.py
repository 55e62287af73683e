#!/usr/bin/env python3
"""gRPC interop server (grpcio, generic handlers) for h2stress managed-target tests.

Serves grpc.testing.TestService over h2c with messages built at run time from a descriptor
(shared with grpc_client.py), no generated code:

  StreamingOutputCall  one response per response_parameters entry, payload body of exactly
                       `size` bytes, each sent after sleeping `interval_us` microseconds
  UnaryCall            one response whose payload body is exactly `response_size` bytes

and h2stress.echo.Echo, a schema-less echo service: messages are opaque bytes (no protobuf
parsing), steered by request metadata. interop/grpcgo (`serve`) implements the same contract;
interop/echo_check.py checks it against either server.

  /h2stress.echo.Echo/Unary   replies with the request message unchanged
  /h2stress.echo.Echo/Stream  server streaming, ONE request message: sends it back
                              `echo-repeat` times, then status OK

  metadata (all optional; decimal integers 0..2147483647, the last value of a repeated key
  counts; anything else fails the call with INVALID_ARGUMENT before any message is sent)
    echo-repeat: N        Stream: N response messages (default 3; 0 allowed). Unary ignores it.
    echo-stop-after: K    Stream: only the first min(K, N) messages, then status OK as if all
                          were sent (a server that loses messages). Unary ignores it.
    echo-status: C        end the call with status C (0..16; 0 = OK, the normal ending) and
                          message "echo-status asked", after the messages sent (Unary: none)
    echo-interval-ms: T   pause T ms before each Stream message (Unary: before its reply);
                          a cancelled call or passed deadline ends the pause
    echo-size: S          reply with S bytes of 0x65 ('e') instead of the request bytes
                          (both methods; S <= 64 MiB)

  grpc_server.py --port PORT [--host 127.0.0.1] [--workers 64] [--exit-after SECONDS]
                 [--encoding runtime|explicit]

--encoding explicit writes every response in another valid protobuf encoding than the runtime's:
the payload's `type` (COMPRESSABLE = 0) and `body` are written explicitly even when they are the
default (an empty body is `12 00`, as runtimes with explicit field presence write it), the body
comes before the type, and an unknown varint field 15 follows the payload. A client that checks
decoded messages (h2stress does) must accept it exactly like the runtime's encoding.

Prints "listening on HOST:PORT (grpcio VERSION)" once serving (with --port 0, the port the
system picked). SIGTERM stops it gracefully (exit 0).
--exit-after makes it die abruptly (os._exit(3)) after SECONDS, for tests of a target that
crashes under load.
"""
import argparse
import os
import re
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grpc_client import M, MAX_MESSAGE  # noqa: E402  (the shared runtime-built message classes)

SERVICE = "grpc.testing.TestService"
ECHO_SERVICE = "h2stress.echo.Echo"


def streaming_output_call(request, context):
    for params in request.response_parameters:
        if params.interval_us > 0:
            time.sleep(params.interval_us / 1e6)
        if not context.is_active():
            return
        response = M["StreamingOutputCallResponse"]()
        response.payload.SetInParent()          # a present payload even when the body is empty
        response.payload.body = bytes(params.size)
        yield response


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def explicit_encoding(response):
    """`response` (a message with a `payload`) with every Payload field explicit, body first,
    then an unknown field 15 of the response: valid protobuf, unlike what the runtime writes."""
    body = response.payload.body
    payload = b"\x12" + _varint(len(body)) + body + b"\x08" + _varint(response.payload.type)
    return b"\x0a" + _varint(len(payload)) + payload + b"\x78\x01"


def unary_call(request, context):
    response = M["SimpleResponse"]()
    response.payload.SetInParent()
    response.payload.body = bytes(request.response_size)
    return response


# --- h2stress.echo.Echo: raw bytes in, raw bytes out (no serializers), steered by metadata ---

ECHO_STATUS_MESSAGE = "echo-status asked"
ECHO_DEFAULT_REPEAT = 3
ECHO_FILLER = b"e"
_INT32_MAX = 2 ** 31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")
_STATUS_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}   # 0 (OK) … 16 (UNAUTHENTICATED)


class EchoArgumentError(Exception):
    pass


def echo_options(context):
    """The echo-* request metadata as a dict of ints (absent keys: None).
    Raises EchoArgumentError (message as grpc-go's server words it) for a bad value."""
    values = {}
    for key, value in context.invocation_metadata():     # keys arrive lowercased
        if key.startswith("echo-"):
            values[key] = value                           # the last value of a repeated key counts

    def number(key, limit=_INT32_MAX):
        text = values.get(key)
        if text is None:
            return None
        if isinstance(text, bytes):
            text = text.decode("latin-1")
        if not _DIGITS.fullmatch(text) or int(text) > limit:
            raise EchoArgumentError('bad %s "%s": want a decimal integer 0..%d' % (key, text, limit))
        return int(text)

    return {
        "repeat": number("echo-repeat"),
        "stop_after": number("echo-stop-after"),
        "status": number("echo-status", 16),
        "interval_ms": number("echo-interval-ms"),
        "size": number("echo-size", MAX_MESSAGE),
    }


def _echo_body(request, options):
    return request if options["size"] is None else ECHO_FILLER * options["size"]


def _call_ended(context):
    """An Event set when the call ends (cancelled, deadline passed, or finished)."""
    ended = threading.Event()
    if not context.add_callback(ended.set):
        ended.set()                                       # already over
    return ended


def echo_unary(request, context):
    try:
        options = echo_options(context)
    except EchoArgumentError as e:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
    if options["interval_ms"]:
        if _call_ended(context).wait(options["interval_ms"] / 1000.0) or not context.is_active():
            return None                                   # cancelled or past its deadline: grpcio ends it
    if options["status"]:
        context.abort(_STATUS_BY_NUMBER[options["status"]], ECHO_STATUS_MESSAGE)
    return _echo_body(request, options)


def echo_stream(request, context):
    try:
        options = echo_options(context)
    except EchoArgumentError as e:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
    repeat = ECHO_DEFAULT_REPEAT if options["repeat"] is None else options["repeat"]
    count = repeat if options["stop_after"] is None else min(repeat, options["stop_after"])
    body = _echo_body(request, options)
    ended = _call_ended(context) if options["interval_ms"] else None
    for _ in range(count):
        if ended is not None and ended.wait(options["interval_ms"] / 1000.0):
            return
        if not context.is_active():
            return
        yield body
    if options["status"]:
        context.set_code(_STATUS_BY_NUMBER[options["status"]])
        context.set_details(ECHO_STATUS_MESSAGE)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="0: a free port, printed in the listening line")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=64,
                        help="handler threads; each open StreamingOutputCall (and echo call) holds one")
    parser.add_argument("--exit-after", type=float, default=None, metavar="SECONDS",
                        help="die abruptly (exit status 3) after this many seconds")
    parser.add_argument("--encoding", choices=["runtime", "explicit"], default="runtime",
                        help="runtime: the protobuf runtime's encoding; explicit: defaults written, fields reordered, an unknown field")
    args = parser.parse_args()
    explicit = args.encoding == "explicit"

    handler = grpc.method_handlers_generic_handler(SERVICE, {
        "StreamingOutputCall": grpc.unary_stream_rpc_method_handler(
            streaming_output_call,
            request_deserializer=M["StreamingOutputCallRequest"].FromString,
            response_serializer=explicit_encoding if explicit else M["StreamingOutputCallResponse"].SerializeToString),
        "UnaryCall": grpc.unary_unary_rpc_method_handler(
            unary_call,
            request_deserializer=M["SimpleRequest"].FromString,
            response_serializer=explicit_encoding if explicit else M["SimpleResponse"].SerializeToString),
    })
    # Raw bytes both ways: no request_deserializer, no response_serializer.
    echo_handler = grpc.method_handlers_generic_handler(ECHO_SERVICE, {
        "Unary": grpc.unary_unary_rpc_method_handler(echo_unary),
        "Stream": grpc.unary_stream_rpc_method_handler(echo_stream),
    })
    options = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers), handlers=[handler, echo_handler],
                         options=options, maximum_concurrent_rpcs=None)
    address = "%s:%d" % (args.host, args.port)
    port = server.add_insecure_port(address)
    if port == 0:
        print("cannot listen on %s" % address, file=sys.stderr)
        return 1
    address = "%s:%d" % (args.host, port)                 # the port picked for --port 0

    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    if args.exit_after is not None:
        def die():
            print("exiting abruptly after %.3f s (--exit-after)" % args.exit_after, file=sys.stderr, flush=True)
            os._exit(3)
        timer = threading.Timer(args.exit_after, die)
        timer.daemon = True
        timer.start()

    server.start()
    print("listening on %s (grpcio %s)" % (address, grpc.__version__), flush=True)
    stopped.wait()
    server.stop(grace=0.5).wait()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
