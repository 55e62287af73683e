#!/usr/bin/env python3
"""Writes the protobuf fixtures for Tests/H2WireTests (GRPCProtobufTests, GRPCStampTests).

The messages are serialized by the real protobuf runtime (the python `protobuf` package),
from descriptors built here at run time that mirror grpc's
src/proto/grpc/testing/messages.proto (only the fields the harness uses, plus a few extra
fields so the Swift decoder must skip unknown fields of every wire type). Nothing generated
is written besides the fixtures:

  *.bin           one serialized message each
  fixtures.json   index: file, message type, field values, and whether the Swift encoder
                  must reproduce the bytes exactly ("encode": true)

Payload bodies are described, not listed, in the index:
  {"kind": "zeros", "size": N}
  {"kind": "ramp",  "size": N}        byte i = (7*i + 3) & 0xFF
  {"kind": "stamp", "size": N, "stream_id": S, "index": I, "send_time_ns": T}
                                      the MessageStamp body, computed here independently
                                      from the Swift implementation (see stamp_body)

Run from anywhere:  python3 Tests/H2WireTests/Fixtures/make_fixtures.py
"""
import json
import os
import struct

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto
HERE = os.path.dirname(os.path.abspath(__file__))
MASK64 = (1 << 64) - 1


def build_messages():
    """Builds the grpc.testing message classes (proto3) plus a proto2 file with a group."""
    pool = descriptor_pool.DescriptorPool()

    fdp = descriptor_pb2.FileDescriptorProto(name="h2stress_fixtures.proto", package="grpc.testing", syntax="proto3")
    enum = fdp.enum_type.add(name="PayloadType")
    enum.value.add(name="COMPRESSABLE", number=0)

    def message(name, fields):
        m = fdp.message_type.add(name=name)
        for fname, number, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
        return m

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message("BoolValue", [("value", 1, F.TYPE_BOOL, opt, None)])
    message("Payload", [
        ("type", 1, F.TYPE_ENUM, opt, ".grpc.testing.PayloadType"),
        ("body", 2, F.TYPE_BYTES, opt, None)])
    message("EchoStatus", [
        ("code", 1, F.TYPE_INT32, opt, None),
        ("message", 2, F.TYPE_STRING, opt, None)])
    message("ResponseParameters", [
        ("size", 1, F.TYPE_INT32, opt, None),
        ("interval_us", 2, F.TYPE_INT32, opt, None),
        ("compressed", 3, F.TYPE_MESSAGE, opt, ".grpc.testing.BoolValue")])
    message("StreamingOutputCallRequest", [
        ("response_type", 1, F.TYPE_ENUM, opt, ".grpc.testing.PayloadType"),
        ("response_parameters", 2, F.TYPE_MESSAGE, rep, ".grpc.testing.ResponseParameters"),
        ("payload", 3, F.TYPE_MESSAGE, opt, ".grpc.testing.Payload"),
        ("response_status", 7, F.TYPE_MESSAGE, opt, ".grpc.testing.EchoStatus")])
    message("StreamingOutputCallResponse", [
        ("payload", 1, F.TYPE_MESSAGE, opt, ".grpc.testing.Payload")])
    message("SimpleRequest", [
        ("response_type", 1, F.TYPE_ENUM, opt, ".grpc.testing.PayloadType"),
        ("response_size", 2, F.TYPE_INT32, opt, None),
        ("payload", 3, F.TYPE_MESSAGE, opt, ".grpc.testing.Payload"),
        ("fill_username", 4, F.TYPE_BOOL, opt, None),
        ("response_status", 7, F.TYPE_MESSAGE, opt, ".grpc.testing.EchoStatus")])
    message("SimpleResponse", [
        ("payload", 1, F.TYPE_MESSAGE, opt, ".grpc.testing.Payload"),
        ("username", 2, F.TYPE_STRING, opt, None),
        ("oauth_scope", 3, F.TYPE_STRING, opt, None),
        ("server_id", 4, F.TYPE_STRING, opt, None),
        ("grpclb_route_type", 5, F.TYPE_INT32, opt, None)])
    # Same field numbers 1-3 as StreamingOutputCallRequest, plus fields of every other wire
    # type, which a StreamingOutputCallRequest decoder must skip.
    message("StreamingOutputCallRequestWithExtras", [
        ("response_type", 1, F.TYPE_ENUM, opt, ".grpc.testing.PayloadType"),
        ("response_parameters", 2, F.TYPE_MESSAGE, rep, ".grpc.testing.ResponseParameters"),
        ("payload", 3, F.TYPE_MESSAGE, opt, ".grpc.testing.Payload"),
        ("response_status", 7, F.TYPE_MESSAGE, opt, ".grpc.testing.EchoStatus"),
        ("extra_fixed64", 9, F.TYPE_FIXED64, opt, None),
        ("extra_fixed32", 10, F.TYPE_FIXED32, opt, None),
        ("extra_double", 11, F.TYPE_DOUBLE, opt, None),
        ("extra_uint64", 12, F.TYPE_UINT64, opt, None),
        ("extra_string", 13, F.TYPE_STRING, opt, None),
        ("extra_sint32", 1000, F.TYPE_SINT32, opt, None)])
    pool.Add(fdp)

    # proto2 only: a group (wire types 3/4) between known fields.
    g = descriptor_pb2.FileDescriptorProto(name="h2stress_fixtures_groups.proto", package="h2stress.fixtures",
                                           syntax="proto2")
    req = g.message_type.add(name="RequestWithGroup")
    nested = req.nested_type.add(name="Extra")
    nested.field.add(name="a", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    nested.field.add(name="b", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    req.field.add(name="response_type", number=1, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    req.field.add(name="extra", number=5, type=F.TYPE_GROUP, label=F.LABEL_OPTIONAL,
                  type_name=".h2stress.fixtures.RequestWithGroup.Extra")
    req.field.add(name="response_size", number=2, type=F.TYPE_INT32, label=F.LABEL_OPTIONAL)
    pool.Add(g)

    names = ["Payload", "ResponseParameters", "StreamingOutputCallRequest", "StreamingOutputCallResponse",
             "SimpleRequest", "SimpleResponse", "StreamingOutputCallRequestWithExtras"]
    classes = {n: message_factory.GetMessageClass(pool.FindMessageTypeByName("grpc.testing." + n)) for n in names}
    classes["RequestWithGroup"] = message_factory.GetMessageClass(
        pool.FindMessageTypeByName("h2stress.fixtures.RequestWithGroup"))
    return classes


# ---- payload bodies -------------------------------------------------------------------

def splitmix64(x):
    z = (x + 0x9E3779B97F4A7C15) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def fmix64(h):
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def stamp_checksum(body):
    """Sum of little-endian 64-bit words (zero-padded tail) except the word at offset 24,
    plus length * golden ratio, through fmix64 — the MessageStamp checksum."""
    padded = bytes(body) + bytes(-len(body) % 8)
    total = 0
    for offset in range(0, len(padded), 8):
        if offset != 24:
            total += struct.unpack_from("<Q", padded, offset)[0]
    total = (total + len(body) * 0x9E3779B97F4A7C15) & MASK64
    return fmix64(total)


def stamp_body(size, stream_id, index, send_time_ns):
    word = struct.pack("<Q", splitmix64((stream_id << 32) | index))
    body = bytearray(word[o % 8] for o in range(size))
    if size >= 32:
        struct.pack_into("<4sIIIQQ", body, 0, b"H2SS", stream_id, index, size, send_time_ns, 0)
        struct.pack_into("<Q", body, 24, stamp_checksum(body))
    return bytes(body)


def make_body(spec):
    kind, size = spec["kind"], spec["size"]
    if kind == "zeros":
        return bytes(size)
    if kind == "ramp":
        return bytes((7 * i + 3) & 0xFF for i in range(size))
    if kind == "stamp":
        return stamp_body(size, spec["stream_id"], spec["index"], spec["send_time_ns"])
    raise ValueError(kind)


# ---- fixtures -------------------------------------------------------------------------

def main():
    M = build_messages()
    index = []

    def emit(name, mtype, message, fields, encode):
        data = message.SerializeToString(deterministic=True)
        with open(os.path.join(HERE, name + ".bin"), "wb") as f:
            f.write(data)
        index.append({"file": name + ".bin", "type": mtype, "fields": fields, "encode": encode, "length": len(data)})

    def set_payload(msg, spec):
        if spec is None:
            return
        msg.payload.SetInParent()
        msg.payload.type = spec.get("type", 0)
        msg.payload.body = make_body(spec)

    def streaming_request(name, params, payload, encode=True, cls="StreamingOutputCallRequest", extras=None):
        m = M[cls]()
        for size, interval in params:
            p = m.response_parameters.add()
            p.size, p.interval_us = size, interval
        set_payload(m, payload)
        for key, value in (extras or {}).items():
            if key == "response_status":
                m.response_status.code, m.response_status.message = value
            else:
                setattr(m, key, value)
        fields = {"response_type": 0,
                  "response_parameters": [{"size": s, "interval_us": i} for s, i in params],
                  "payload": payload}
        emit(name, "StreamingOutputCallRequest", m, fields, encode)

    streaming_request("streaming_request_basic", [(10, 0), (1024, 100), (0, 0), (65536, 1000000)], None)
    streaming_request("streaming_request_payload", [(31415, 0)], {"kind": "zeros", "size": 300})
    streaming_request("streaming_request_negative", [(-1, -5), (2147483647, -2147483648)], None)
    streaming_request("streaming_request_empty", [], None)
    streaming_request("streaming_request_extras", [(5, 7)], {"kind": "ramp", "size": 3}, encode=False,
                      cls="StreamingOutputCallRequestWithExtras",
                      extras={"response_status": (13, "internal"), "extra_fixed64": 0x0102030405060708,
                              "extra_fixed32": 0xDEADBEEF, "extra_double": 2.5, "extra_uint64": MASK64,
                              "extra_string": "skip me", "extra_sint32": -3})

    def simple_request(name, size, payload):
        m = M["SimpleRequest"]()
        m.response_size = size
        set_payload(m, payload)
        emit(name, "SimpleRequest", m, {"response_type": 0, "response_size": size, "payload": payload}, True)

    simple_request("simple_request", 314159, {"kind": "zeros", "size": 271828})
    simple_request("simple_request_small", 1, None)

    # A proto2 message with a group between fields 1 and 2: decoded as a SimpleRequest.
    g = M["RequestWithGroup"]()
    g.response_type = 0
    g.extra.a, g.extra.b = 42, "grouped"
    g.response_size = 777
    emit("simple_request_group", "SimpleRequest", g, {"response_type": 0, "response_size": 777, "payload": None}, False)

    def response(name, mtype, payload, encode=True, extras=None):
        m = M[mtype]()
        set_payload(m, payload)
        for key, value in (extras or {}).items():
            setattr(m, key, value)
        emit(name, mtype, m, {"payload": payload}, encode)

    sid, t0 = 3, 1_700_000_000_123_456_789
    for i, size in enumerate([0, 1, 31, 32, 33, 125, 126, 16380, 16381, 70000]):
        response("streaming_response_%d" % size, "StreamingOutputCallResponse",
                 {"kind": "stamp", "size": size, "stream_id": sid, "index": i, "send_time_ns": t0 + i})
    response("streaming_response_ramp", "StreamingOutputCallResponse", {"kind": "ramp", "size": 200})
    response("streaming_response_typed", "StreamingOutputCallResponse", {"kind": "ramp", "size": 40, "type": 1},
             encode=False)
    response("simple_response", "SimpleResponse",
             {"kind": "stamp", "size": 4096, "stream_id": 1, "index": 0, "send_time_ns": 42})
    response("simple_response_extras", "SimpleResponse", {"kind": "ramp", "size": 9}, encode=False,
             extras={"username": "user", "server_id": "srv-1", "grpclb_route_type": 2})

    with open(os.path.join(HERE, "fixtures.json"), "w") as f:
        json.dump({"generator": "make_fixtures.py", "fixtures": index}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
