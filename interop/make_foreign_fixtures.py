#!/usr/bin/env python3
"""Writes Tests/H2WireTests/Fixtures/foreign_encodings.json: response messages as real
protobuf runtimes encode them, for the Swift decoder tests.

Two producers:
  grpc-go  `h2stress-grpcgo fixtures` (interop/grpcgo): Go's google.golang.org/protobuf,
           dynamicpb messages marshalled, protowire for hand-made variants
  grpcio   this script: the python `protobuf` runtime that grpcio uses, messages built at run
           time from a descriptor (no generated code), SerializeToString; the runtime's own wire
           encoder primitives (google.protobuf.internal.encoder) for the variants no serializer
           writes (fields out of order, a field written twice)

Every entry is decoded back by BOTH runtimes (python here, Go via `h2stress-grpcgo fixtures
-verify`) and must give a payload body of exactly bodySize bytes, byte i == i % 251.

  python3 interop/make_foreign_fixtures.py            # builds h2stress-grpcgo, writes the file
  python3 interop/make_foreign_fixtures.py --check    # exit 1 if the file's entries are stale
  python3 interop/make_foreign_fixtures.py --go-binary .build-go/h2stress-grpcgo --out FILE
"""
import argparse
import json
import os
import subprocess
import sys

import google.protobuf
from google.protobuf import descriptor_pb2
from google.protobuf.internal import encoder

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "interop"))
from grpc_client import classes_from_file  # noqa: E402  (the shared descriptor → classes step)
DEFAULT_OUT = os.path.join("Tests", "H2WireTests", "Fixtures", "foreign_encodings.json")
MESSAGES = ["StreamingOutputCallResponse", "SimpleResponse"]
PATTERN = "i%251"
NONE = -1


def pattern_body(n):
    return bytes(i % 251 for i in range(n))


def message_classes(explicit_presence):
    """grpc's messages.proto subset (proto3). With explicit_presence, Payload's fields are
    proto3 `optional`, so the runtime writes them even at their default (type 0, empty body)."""
    F = descriptor_pb2.FieldDescriptorProto
    name = "h2stress/explicit_presence/messages.proto" if explicit_presence else "grpc/testing/messages.proto"
    f = descriptor_pb2.FileDescriptorProto(name=name, package="grpc.testing", syntax="proto3")
    f.enum_type.add(name="PayloadType").value.add(name="COMPRESSABLE", number=0)
    route = f.enum_type.add(name="GrpclbRouteType")
    for number, value in enumerate(["GRPCLB_ROUTE_TYPE_UNKNOWN", "GRPCLB_ROUTE_TYPE_FALLBACK",
                                    "GRPCLB_ROUTE_TYPE_BACKEND"]):
        route.value.add(name=value, number=number)

    def message(mname, optional, fields):
        m = f.message_type.add(name=mname)
        for number, fname, ftype, type_name in fields:
            field = m.field.add(name=fname, number=number, type=ftype, label=F.LABEL_OPTIONAL)
            if type_name:
                field.type_name = type_name
            if optional:
                field.proto3_optional = True
                field.oneof_index = len(m.oneof_decl)
                m.oneof_decl.add(name="_" + fname)

    message("Payload", explicit_presence, [(1, "type", F.TYPE_ENUM, ".grpc.testing.PayloadType"),
                                           (2, "body", F.TYPE_BYTES, None)])
    message("SimpleResponse", False, [(1, "payload", F.TYPE_MESSAGE, ".grpc.testing.Payload"),
                                      (2, "username", F.TYPE_STRING, None),
                                      (3, "oauth_scope", F.TYPE_STRING, None),
                                      (4, "server_id", F.TYPE_STRING, None),
                                      (5, "grpclb_route_type", F.TYPE_ENUM, ".grpc.testing.GrpclbRouteType"),
                                      (6, "hostname", F.TYPE_STRING, None)])
    message("StreamingOutputCallResponse", False, [(1, "payload", F.TYPE_MESSAGE, ".grpc.testing.Payload")])

    return classes_from_file(f, ["Payload"] + MESSAGES)


STD = message_classes(False)
EXPLICIT = message_classes(True)


# The python runtime's own wire encoder primitives, for hand-made variants.
def tag(number, wire_type):
    return encoder.TagBytes(number, wire_type)


def wire_bytes(number, data):
    return tag(number, 2) + encoder._VarintBytes(len(data)) + data


def wire_varint(number, value):
    return tag(number, 0) + encoder._VarintBytes(value)


def wire_body(n):
    return wire_bytes(2, pattern_body(n))


def wire_unknown():
    """Two fields neither message defines: 15 (varint 150) and 16 (bytes "h2stress")."""
    return wire_varint(15, 150) + wire_bytes(16, b"h2stress")


def wire_payload_field(*payload_fields):
    return wire_bytes(1, b"".join(payload_fields))


def response(classes, message, body=NONE, type_=NONE, present=True):
    """message with a payload (SetInParent: present even when empty) whose body has `body`
    pattern bytes (set when >= 0) and whose type is set when >= 0; no payload unless present."""
    m = classes[message]()
    if present:
        m.payload.SetInParent()
        if body >= 0:
            m.payload.body = pattern_body(body)
        if type_ >= 0:
            m.payload.type = type_
    return m


def ser(m):
    return m.SerializeToString(deterministic=True)


def python_fixtures():
    entries = []
    for message in MESSAGES:
        def add(case, body_size, encoded):
            entries.append({"producer": "grpcio", "message": message, "case": case, "bodySize": body_size,
                            "bodyPattern": PATTERN, "hex": encoded.hex()})

        with_unknown_after = STD[message].FromString(ser(response(STD, message, 100)) + wire_unknown())
        payload_with_unknown = STD["Payload"].FromString(wire_body(100) + wire_unknown())
        unknown_inside = STD[message]()
        unknown_inside.payload.CopyFrom(payload_with_unknown)

        add("body 0 B, proto3 default (payload present via SetInParent, body field omitted)", 0,
            ser(response(STD, message, 0)))
        add("body 0 B, body field written explicitly empty (proto3 optional bytes body)", 0,
            ser(response(EXPLICIT, message, 0)))
        add("payload absent entirely (empty message)", 0,
            ser(response(STD, message, present=False)))
        add("body 1 B", 1, ser(response(STD, message, 1)))
        add("body 64 KiB (65536 B)", 65536, ser(response(STD, message, 65536)))
        add("payload type COMPRESSABLE (0) written explicitly (proto3 optional), body 100 B", 100,
            ser(response(EXPLICIT, message, 100, 0)))
        add("payload type 1 (non-zero, open enum value), body 100 B", 100,
            ser(response(STD, message, 100, 1)))
        add("payload fields in reverse order: body 100 B before type 1 (wire encoder primitives)", 100,
            wire_payload_field(wire_body(100), wire_varint(1, 1)))
        add("unknown fields 15 (varint) and 16 (bytes) in the response after the payload, body 100 B (parsed and re-serialized)", 100,
            ser(with_unknown_after))
        add("unknown fields 15 (varint) and 16 (bytes) inside Payload after the body, body 100 B (parsed and re-serialized)", 100,
            ser(unknown_inside))
        add("unknown fields 15 and 16 in the response before the payload, body 100 B (wire encoder primitives)", 100,
            wire_unknown() + wire_payload_field(wire_body(100)))
        add("unknown fields 15 and 16 inside Payload before type 1 and body 100 B (wire encoder primitives)", 100,
            wire_payload_field(wire_unknown(), wire_varint(1, 1), wire_body(100)))
        add("payload field written twice, bodies 3 B then 5 B: merged, the last body wins (two serialized messages concatenated)", 5,
            ser(response(STD, message, 3)) + ser(response(STD, message, 5)))
        add("payload field written twice, body 5 B then an explicitly empty body: merged, the last body wins", 0,
            ser(response(STD, message, 5)) + ser(response(EXPLICIT, message, 0)))
        add("payload field written twice, body 5 B then a payload without body: merged, the 5 B body stays", 5,
            ser(response(STD, message, 5)) + ser(response(STD, message, NONE, 1)))
        add("body field written twice inside one Payload, 3 B then 7 B: the last wins (wire encoder primitives)", 7,
            wire_payload_field(wire_body(3), wire_body(7)))
        if message == "SimpleResponse":
            m = response(STD, message, 100)
            m.username, m.oauth_scope, m.server_id = "user", "scope", "server-1"
            m.grpclb_route_type, m.hostname = 2, "localhost"
            add("every other SimpleResponse field set (username, oauth_scope, server_id, grpclb_route_type, hostname), body 100 B", 100,
                ser(m))
            add("response fields in unusual order: hostname (6) and username (2) before the payload, body 100 B (wire encoder primitives)", 100,
                wire_bytes(6, b"localhost") + wire_bytes(2, b"user") + wire_payload_field(wire_body(100)))
    return entries


def verify_python(entries):
    """Decodes every entry with the python runtime; raises on a bodySize or pattern mismatch."""
    for i, e in enumerate(entries):
        m = STD[e["message"]].FromString(bytes.fromhex(e["hex"]))
        body = m.payload.body
        if e["bodyPattern"] != PATTERN or len(body) != e["bodySize"] or body != pattern_body(len(body)):
            raise SystemExit("entry %d (%s, %s, %r): python protobuf decodes a %d B body, the entry says %d"
                             % (i, e["producer"], e["message"], e["case"], len(body), e["bodySize"]))


def go_version_text(go_binary):
    """The grpc-go producer's versions, for generatedBy."""
    try:
        deb = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "golang-google-protobuf-dev"],
                             capture_output=True, text=True, check=True).stdout.strip()
        return "Go protobuf %s (Debian golang-google-protobuf-dev)" % deb
    except (OSError, subprocess.CalledProcessError):
        return "Go protobuf (version unknown)"


def render(generated_by, entries):
    """The file: one entry per line, keys in the documented order."""
    keys = ["producer", "message", "case", "bodySize", "bodyPattern", "hex"]
    lines = [json.dumps({k: e[k] for k in keys}) for e in entries]
    return ('{"generatedBy": %s, "entries": [\n  ' % json.dumps(generated_by)
            + ",\n  ".join(lines) + "\n]}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--go-binary", help="h2stress-grpcgo to use (default: build it with interop/grpcgo/build.sh)")
    parser.add_argument("--out", default=os.path.join(ROOT, DEFAULT_OUT))
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 when the file's entries differ from freshly generated ones")
    args = parser.parse_args()

    go_binary = args.go_binary
    if go_binary is None:
        build = subprocess.run([os.path.join(ROOT, "interop", "grpcgo", "build.sh")],
                               stdout=subprocess.PIPE, text=True)
        if build.returncode != 0:
            return "interop/grpcgo/build.sh failed"
        go_binary = build.stdout.strip().splitlines()[-1]
    go = subprocess.run([go_binary, "fixtures"], stdout=subprocess.PIPE, text=True, check=True)
    go_entries = json.loads(go.stdout)["entries"]

    entries = go_entries + python_fixtures()
    verify_python(entries)                       # python decodes the Go entries too
    import grpc                                  # only for its version: grpcio runs on this runtime
    generated_by = ("interop/grpcgo/build.sh && .build-go/h2stress-grpcgo fixtures [producer grpc-go: "
                    "grpc-go 1.33, %s]; python3 interop/make_foreign_fixtures.py [producer grpcio: python "
                    "protobuf %s (%s), grpcio %s]; every entry decoded back by both runtimes"
                    % (go_version_text(go_binary), google.protobuf.__version__, _implementation(), grpc.__version__))
    text = render(generated_by, entries)

    if args.check:
        try:
            with open(args.out) as f:
                current = json.load(f)["entries"]
        except (OSError, ValueError, KeyError) as error:
            print("%s: %s" % (args.out, error), file=sys.stderr)
            return 1
        if current != json.loads(text)["entries"]:
            print("%s is stale: run python3 interop/make_foreign_fixtures.py" % args.out, file=sys.stderr)
            return 1
        print("%s is up to date (%d entries)" % (args.out, len(entries)))
        return 0

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    go_check = subprocess.run([go_binary, "fixtures", "-verify", tmp])  # Go decodes the python entries too
    if go_check.returncode != 0:
        os.unlink(tmp)
        return "h2stress-grpcgo fixtures -verify rejected the entries"
    os.replace(tmp, args.out)
    counts = {}
    for e in entries:
        counts[e["producer"]] = counts.get(e["producer"], 0) + 1
    print("wrote %s: %s" % (os.path.relpath(args.out), ", ".join("%d %s" % (n, p) for p, n in counts.items())))
    return 0


def _implementation():
    try:
        from google.protobuf.internal import api_implementation
        return api_implementation.Type()
    except ImportError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
