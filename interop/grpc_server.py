#!/usr/bin/env python3
"""gRPC interop server (grpcio, generic handlers) for h2stress managed-target tests.

Serves grpc.testing.TestService over h2c with messages built at run time from a descriptor
(shared with grpc_client.py), no generated code:

  StreamingOutputCall  one response per response_parameters entry, payload body of exactly
                       `size` bytes, each sent after sleeping `interval_us` microseconds
  UnaryCall            one response whose payload body is exactly `response_size` bytes

  grpc_server.py --port PORT [--host 127.0.0.1] [--workers 64] [--exit-after SECONDS]
                 [--encoding runtime|explicit]

--encoding explicit writes every response in another valid protobuf encoding than the runtime's:
the payload's `type` (COMPRESSABLE = 0) and `body` are written explicitly even when they are the
default (an empty body is `12 00`, as runtimes with explicit field presence write it), the body
comes before the type, and an unknown varint field 15 follows the payload. A client that checks
decoded messages (h2stress does) must accept it exactly like the runtime's encoding.

Prints "listening on HOST:PORT" once serving. SIGTERM stops it gracefully (exit 0).
--exit-after makes it die abruptly (os._exit(3)) after SECONDS, for tests of a target that
crashes under load.
"""
import argparse
import os
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from grpc_client import M, MAX_MESSAGE  # noqa: E402  (the shared runtime-built message classes)

SERVICE = "grpc.testing.TestService"


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


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--workers", type=int, default=64,
                        help="handler threads; each open StreamingOutputCall holds one")
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
    options = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=args.workers), handlers=[handler], options=options,
                         maximum_concurrent_rpcs=None)
    address = "%s:%d" % (args.host, args.port)
    if server.add_insecure_port(address) == 0:
        print("cannot listen on %s" % address, file=sys.stderr)
        return 1

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
