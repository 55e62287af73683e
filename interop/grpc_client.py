#!/usr/bin/env python3
"""gRPC interop client for the h2stress embedded server (grpcio, generic calls).

The grpc.testing messages are built at run time from a descriptor (descriptor_pb2), so no
generated code is needed. Each sub-command checks what the server sent, prints ONE line of
JSON on stdout and exits 0 when every check passed, 1 otherwise (2 on bad usage).

  grpc_client.py --target 127.0.0.1:PORT streaming --sizes 0,1,31 [--interval-us 0,500] [--calls 4]
  grpc_client.py --target 127.0.0.1:PORT unary --size 1000
  grpc_client.py --target 127.0.0.1:PORT unimplemented [--method /grpc.testing.TestService/Nope]
"""
import argparse
import json
import sys
import threading

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

SERVICE = "/grpc.testing.TestService/"
# grpcio refuses messages above 4 MiB by default; the interop sizes stay below, but allow more.
MAX_MESSAGE = 64 * 1024 * 1024


def _message_classes():
    """Builds the subset of grpc.testing messages.proto the embedded server speaks."""
    f = descriptor_pb2.FileDescriptorProto(name="h2stress_interop_messages.proto",
                                           package="grpc.testing", syntax="proto3")
    F = descriptor_pb2.FieldDescriptorProto

    def message(name, fields):
        m = f.message_type.add(name=name)
        for number, fname, ftype, label, type_name in fields:
            field = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                field.type_name = type_name

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    # PayloadType is an enum in messages.proto; an int32 has the same wire form (varint).
    message("Payload", [(1, "type", F.TYPE_INT32, opt, None), (2, "body", F.TYPE_BYTES, opt, None)])
    message("ResponseParameters", [(1, "size", F.TYPE_INT32, opt, None),
                                   (2, "interval_us", F.TYPE_INT32, opt, None)])
    message("StreamingOutputCallRequest", [
        (1, "response_type", F.TYPE_INT32, opt, None),
        (2, "response_parameters", F.TYPE_MESSAGE, rep, ".grpc.testing.ResponseParameters"),
        (3, "payload", F.TYPE_MESSAGE, opt, ".grpc.testing.Payload")])
    message("StreamingOutputCallResponse", [(1, "payload", F.TYPE_MESSAGE, opt, ".grpc.testing.Payload")])
    message("SimpleRequest", [(1, "response_type", F.TYPE_INT32, opt, None),
                              (2, "response_size", F.TYPE_INT32, opt, None),
                              (3, "payload", F.TYPE_MESSAGE, opt, ".grpc.testing.Payload")])
    message("SimpleResponse", [(1, "payload", F.TYPE_MESSAGE, opt, ".grpc.testing.Payload")])

    return classes_from_file(f, ["StreamingOutputCallRequest", "StreamingOutputCallResponse",
                                 "SimpleRequest", "SimpleResponse"])


def classes_from_file(file_proto, names):
    """Message classes for `names` (in package grpc.testing) of a runtime-built FileDescriptorProto."""
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    descriptors = [pool.FindMessageTypeByName("grpc.testing." + n) for n in names]
    if hasattr(message_factory, "GetMessageClass"):          # protobuf >= 4.21
        classes = [message_factory.GetMessageClass(d) for d in descriptors]
    else:                                                    # older protobuf (Debian's 3.21)
        factory = message_factory.MessageFactory(pool)
        classes = [factory.GetPrototype(d) for d in descriptors]
    return dict(zip(names, classes))


M = _message_classes()


def _int_list(text):
    return [int(x) for x in text.split(",") if x.strip() != ""]


def streaming(channel, args):
    sizes = _int_list(args.sizes)
    intervals = _int_list(args.interval_us) or [0]
    call = channel.unary_stream(SERVICE + "StreamingOutputCall",
                                request_serializer=M["StreamingOutputCallRequest"].SerializeToString,
                                response_deserializer=M["StreamingOutputCallResponse"].FromString)
    request = M["StreamingOutputCallRequest"]()
    for i, size in enumerate(sizes):
        p = request.response_parameters.add()
        p.size = size
        p.interval_us = intervals[i % len(intervals)]

    results = [None] * args.calls

    def one(index):
        received, error = [], None
        try:
            for response in call(request, timeout=args.timeout):
                body = response.payload.body
                received.append(len(body))
        except grpc.RpcError as e:
            error = "%s: %s" % (e.code().name, e.details())
        results[index] = {"received": received, "error": error}

    threads = [threading.Thread(target=one, args=(i,)) for i in range(args.calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    errors = [r["error"] for r in results if r["error"]]
    ok = not errors and all(r["received"] == sizes for r in results)
    return ok, {"check": "streaming", "requested": sizes, "calls": args.calls,
                "received": [r["received"] for r in results], "errors": errors}


def unary(channel, args):
    call = channel.unary_unary(SERVICE + "UnaryCall",
                               request_serializer=M["SimpleRequest"].SerializeToString,
                               response_deserializer=M["SimpleResponse"].FromString)
    request = M["SimpleRequest"](response_size=args.size)
    try:
        response = call(request, timeout=args.timeout)
    except grpc.RpcError as e:
        return False, {"check": "unary", "requested": args.size, "received": None,
                       "errors": ["%s: %s" % (e.code().name, e.details())]}
    received = len(response.payload.body)
    return received == args.size, {"check": "unary", "requested": args.size, "received": received, "errors": []}


def unimplemented(channel, args):
    call = channel.unary_unary(args.method,
                               request_serializer=M["SimpleRequest"].SerializeToString,
                               response_deserializer=M["SimpleResponse"].FromString)
    try:
        call(M["SimpleRequest"](response_size=10), timeout=args.timeout)
        code, details = "OK", ""
    except grpc.RpcError as e:
        code, details = e.code().name, e.details()
    return code == "UNIMPLEMENTED", {"check": "unimplemented", "method": args.method, "code": code,
                                     "details": details, "errors": []}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True, help="host:port of an h2c gRPC server")
    parser.add_argument("--timeout", type=float, default=30.0, help="per-call deadline in seconds")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("streaming", help="StreamingOutputCall; checks every response's payload size")
    s.add_argument("--sizes", required=True, help="comma-separated payload body sizes")
    s.add_argument("--interval-us", default="0", help="comma-separated pauses, cycled over the sizes")
    s.add_argument("--calls", type=int, default=1, help="concurrent calls on one channel")
    u = sub.add_parser("unary", help="UnaryCall; checks the response payload size")
    u.add_argument("--size", type=int, required=True)
    n = sub.add_parser("unimplemented", help="an unknown method must fail with UNIMPLEMENTED")
    n.add_argument("--method", default=SERVICE + "NoSuchMethod")
    args = parser.parse_args()

    options = [("grpc.max_receive_message_length", MAX_MESSAGE), ("grpc.max_send_message_length", MAX_MESSAGE)]
    with grpc.insecure_channel(args.target, options=options) as channel:
        check = {"streaming": streaming, "unary": unary, "unimplemented": unimplemented}[args.command]
        try:
            ok, summary = check(channel, args)
        except Exception as e:  # report, never a bare traceback without the JSON line
            ok, summary = False, {"check": args.command, "errors": ["%s: %s" % (type(e).__name__, e)]}
    summary["ok"] = ok
    summary["grpcio"] = grpc.__version__
    print(json.dumps(summary, separators=(",", ":")))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
