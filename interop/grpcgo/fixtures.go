package main

// fixtures: encodings of StreamingOutputCallResponse and SimpleResponse as Go's protobuf
// runtime (google.golang.org/protobuf, the one grpc-go uses) produces them, for the Swift
// decoder tests (Tests/H2WireTests/Fixtures/foreign_encodings.json, assembled by
// interop/make_foreign_fixtures.py).
//
// Real marshalling (dynamicpb messages from a descriptor built with protodesc) wherever the
// runtime can produce the bytes; protowire for the variants no marshaller writes (fields out
// of order, a field written twice), assembled from the same field encodings. Every entry is
// decoded back with proto.Unmarshal before it is printed.
//
//	h2stress-grpcgo fixtures               print {"producer": "grpc-go", "entries": [...]}
//	h2stress-grpcgo fixtures -verify FILE  decode every entry of a fixtures file (any
//	                                       producer) with Go's runtime and check bodySize

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"runtime"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// fixtureEntry is one entry of foreign_encodings.json; the field order is the file's.
type fixtureEntry struct {
	Producer    string `json:"producer"`
	Message     string `json:"message"`
	Case        string `json:"case"`
	BodySize    int    `json:"bodySize"`
	BodyPattern string `json:"bodyPattern"`
	Hex         string `json:"hex"`
}

const bodyPatternName = "i%251" // body byte i == i % 251, see patternBody

// messagesFile builds the subset of grpc's messages.proto the fixtures need. With
// explicitPresence, Payload's fields are proto3 `optional` (a synthetic oneof each), so the
// runtime writes them even when they hold the default value: `type = 0` and an empty body.
func messagesFile(explicitPresence bool) (protoreflect.FileDescriptor, error) {
	type fieldSpec struct {
		name     string
		number   int32
		typ      descriptorpb.FieldDescriptorProto_Type
		typeName string
	}
	label := descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL
	message := func(name string, optional bool, fields ...fieldSpec) *descriptorpb.DescriptorProto {
		m := &descriptorpb.DescriptorProto{Name: proto.String(name)}
		for _, f := range fields {
			fd := &descriptorpb.FieldDescriptorProto{
				Name: proto.String(f.name), Number: proto.Int32(f.number), Label: label.Enum(), Type: f.typ.Enum(),
			}
			if f.typeName != "" {
				fd.TypeName = proto.String(f.typeName)
			}
			if optional {
				fd.Proto3Optional = proto.Bool(true)
				fd.OneofIndex = proto.Int32(int32(len(m.OneofDecl)))
				m.OneofDecl = append(m.OneofDecl, &descriptorpb.OneofDescriptorProto{Name: proto.String("_" + f.name)})
			}
			m.Field = append(m.Field, fd)
		}
		return m
	}
	enum := func(name string, values ...string) *descriptorpb.EnumDescriptorProto {
		e := &descriptorpb.EnumDescriptorProto{Name: proto.String(name)}
		for i, v := range values {
			e.Value = append(e.Value, &descriptorpb.EnumValueDescriptorProto{Name: proto.String(v), Number: proto.Int32(int32(i))})
		}
		return e
	}
	const (
		typeEnum    = descriptorpb.FieldDescriptorProto_TYPE_ENUM
		typeBytes   = descriptorpb.FieldDescriptorProto_TYPE_BYTES
		typeString  = descriptorpb.FieldDescriptorProto_TYPE_STRING
		typeMessage = descriptorpb.FieldDescriptorProto_TYPE_MESSAGE
	)
	name := "grpc/testing/messages.proto"
	if explicitPresence {
		name = "h2stress/explicit_presence/messages.proto"
	}
	file := &descriptorpb.FileDescriptorProto{
		Name:    proto.String(name),
		Package: proto.String("grpc.testing"),
		Syntax:  proto.String("proto3"),
		EnumType: []*descriptorpb.EnumDescriptorProto{
			enum("PayloadType", "COMPRESSABLE"),
			enum("GrpclbRouteType", "GRPCLB_ROUTE_TYPE_UNKNOWN", "GRPCLB_ROUTE_TYPE_FALLBACK", "GRPCLB_ROUTE_TYPE_BACKEND"),
		},
		MessageType: []*descriptorpb.DescriptorProto{
			message("Payload", explicitPresence,
				fieldSpec{"type", 1, typeEnum, ".grpc.testing.PayloadType"},
				fieldSpec{"body", 2, typeBytes, ""}),
			message("SimpleResponse", false,
				fieldSpec{"payload", 1, typeMessage, ".grpc.testing.Payload"},
				fieldSpec{"username", 2, typeString, ""},
				fieldSpec{"oauth_scope", 3, typeString, ""},
				fieldSpec{"server_id", 4, typeString, ""},
				fieldSpec{"grpclb_route_type", 5, typeEnum, ".grpc.testing.GrpclbRouteType"},
				fieldSpec{"hostname", 6, typeString, ""}),
			message("StreamingOutputCallResponse", false,
				fieldSpec{"payload", 1, typeMessage, ".grpc.testing.Payload"}),
		},
	}
	return protodesc.NewFile(file, new(protoregistry.Files))
}

// fixtureFiles holds the two descriptor variants: proto3 as in grpc's messages.proto, and
// the same with explicit presence for Payload's fields.
type fixtureFiles struct {
	std, explicit protoreflect.FileDescriptor
}

func newMessage(file protoreflect.FileDescriptor, name string) *dynamicpb.Message {
	return dynamicpb.NewMessage(file.Messages().ByName(protoreflect.Name(name)))
}

// setField sets the field called name of m.
func setField(m *dynamicpb.Message, name string, v protoreflect.Value) {
	m.Set(m.Descriptor().Fields().ByName(protoreflect.Name(name)), v)
}

// payload builds a Payload of file: body of bodySize pattern bytes when bodySize >= 0 (an
// empty body is written only with explicit presence), type when typ >= 0.
func payload(file protoreflect.FileDescriptor, bodySize int, typ int32) *dynamicpb.Message {
	p := newMessage(file, "Payload")
	if bodySize >= 0 {
		setField(p, "body", protoreflect.ValueOfBytes(append([]byte{}, patternBody(bodySize)...)))
	}
	if typ >= 0 {
		setField(p, "type", protoreflect.ValueOfEnum(protoreflect.EnumNumber(typ)))
	}
	return p
}

// response builds message (SimpleResponse or StreamingOutputCallResponse) of file with the
// given payload (none when nil).
func response(file protoreflect.FileDescriptor, message string, p *dynamicpb.Message) *dynamicpb.Message {
	m := newMessage(file, message)
	if p != nil {
		setField(m, "payload", protoreflect.ValueOfMessage(p))
	}
	return m
}

func marshal(m proto.Message) []byte {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		panic(err) // only for a bug in the fixture definitions
	}
	return b
}

// Hand-assembled field encodings (protowire) for what no marshaller writes.
func wireBody(n int) []byte {
	b := protowire.AppendTag(nil, payloadBodyField, protowire.BytesType)
	return protowire.AppendBytes(b, patternBody(n))
}

func wireType(v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, payloadTypeField, protowire.VarintType), v)
}

// wireUnknown is two fields neither message defines: 15 (varint 150) and 16 (bytes "h2stress").
func wireUnknown() []byte {
	b := protowire.AppendTag(nil, 15, protowire.VarintType)
	b = protowire.AppendVarint(b, 150)
	b = protowire.AppendTag(b, 16, protowire.BytesType)
	return protowire.AppendBytes(b, []byte("h2stress"))
}

func wireString(num protowire.Number, s string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
}

// wirePayloadField wraps encoded Payload fields as the response's payload field (1).
func wirePayloadField(payloadFields ...[]byte) []byte {
	b := protowire.AppendTag(nil, responsePayloadField, protowire.BytesType)
	return protowire.AppendBytes(b, bytes.Join(payloadFields, nil))
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// goFixtures returns the grpc-go producer's entries, each verified by decoding.
func goFixtures(files fixtureFiles) ([]fixtureEntry, error) {
	std, explicit := files.std, files.explicit
	const none = -1
	var entries []fixtureEntry
	for _, message := range []string{"StreamingOutputCallResponse", "SimpleResponse"} {
		add := func(description string, bodySize int, encoded []byte) {
			entries = append(entries, fixtureEntry{
				Producer: "grpc-go", Message: message, Case: description, BodySize: bodySize,
				BodyPattern: bodyPatternName, Hex: hex.EncodeToString(encoded),
			})
		}
		withUnknown := func(m *dynamicpb.Message) *dynamicpb.Message {
			m.SetUnknown(wireUnknown())
			return m
		}
		add("body 0 B, proto3 default (payload present, body field omitted)", 0,
			marshal(response(std, message, payload(std, 0, none))))
		add("body 0 B, body field written explicitly empty (proto3 optional bytes body)", 0,
			marshal(response(explicit, message, payload(explicit, 0, none))))
		add("payload absent entirely (empty message)", 0,
			marshal(response(std, message, nil)))
		add("body 1 B", 1,
			marshal(response(std, message, payload(std, 1, none))))
		add("body 64 KiB (65536 B)", 65536,
			marshal(response(std, message, payload(std, 65536, none))))
		add("payload type COMPRESSABLE (0) written explicitly (proto3 optional), body 100 B", 100,
			marshal(response(explicit, message, payload(explicit, 100, 0))))
		add("payload type 1 (non-zero, open enum value), body 100 B", 100,
			marshal(response(std, message, payload(std, 100, 1))))
		add("payload fields in reverse order: body 100 B before type 1 (protowire)", 100,
			wirePayloadField(wireBody(100), wireType(1)))
		add("unknown fields 15 (varint) and 16 (bytes) in the response after the payload, body 100 B", 100,
			marshal(withUnknown(response(std, message, payload(std, 100, none)))))
		add("unknown fields 15 (varint) and 16 (bytes) inside Payload after the body, body 100 B", 100,
			marshal(response(std, message, withUnknown(payload(std, 100, none)))))
		add("unknown fields 15 and 16 in the response before the payload, body 100 B (protowire)", 100,
			join(wireUnknown(), wirePayloadField(wireBody(100))))
		add("unknown fields 15 and 16 inside Payload before type 1 and body 100 B (protowire)", 100,
			wirePayloadField(wireUnknown(), wireType(1), wireBody(100)))
		add("payload field written twice, bodies 3 B then 5 B: merged, the last body wins (two marshalled messages concatenated)", 5,
			join(marshal(response(std, message, payload(std, 3, none))), marshal(response(std, message, payload(std, 5, none)))))
		add("payload field written twice, body 5 B then an explicitly empty body: merged, the last body wins", 0,
			join(marshal(response(std, message, payload(std, 5, none))), marshal(response(explicit, message, payload(explicit, 0, none)))))
		add("payload field written twice, body 5 B then a payload without body: merged, the 5 B body stays", 5,
			join(marshal(response(std, message, payload(std, 5, none))), marshal(response(std, message, payload(std, 0, 1)))))
		add("body field written twice inside one Payload, 3 B then 7 B: the last wins (protowire)", 7,
			wirePayloadField(wireBody(3), wireBody(7)))
		if message == "SimpleResponse" {
			m := response(std, message, payload(std, 100, none))
			setField(m, "username", protoreflect.ValueOfString("user"))
			setField(m, "oauth_scope", protoreflect.ValueOfString("scope"))
			setField(m, "server_id", protoreflect.ValueOfString("server-1"))
			setField(m, "grpclb_route_type", protoreflect.ValueOfEnum(2))
			setField(m, "hostname", protoreflect.ValueOfString("localhost"))
			add("every other SimpleResponse field set (username, oauth_scope, server_id, grpclb_route_type, hostname), body 100 B", 100,
				marshal(m))
			add("response fields in unusual order: hostname (6) and username (2) before the payload, body 100 B (protowire)", 100,
				join(wireString(6, "localhost"), wireString(2, "user"), wirePayloadField(wireBody(100))))
		}
	}
	return entries, verifyEntries(files, entries)
}

// verifyEntries decodes every entry with Go's runtime (grpc's proto3 messages) and checks
// that the payload body has bodySize pattern bytes. The program's own decoder
// (decodeResponseBody) must agree.
func verifyEntries(files fixtureFiles, entries []fixtureEntry) error {
	for i, e := range entries {
		fail := func(format string, args ...interface{}) error {
			return fmt.Errorf("entry %d (%s, %s, %q): %s", i, e.Producer, e.Message, e.Case, fmt.Sprintf(format, args...))
		}
		if e.Message != "StreamingOutputCallResponse" && e.Message != "SimpleResponse" {
			return fail("unknown message")
		}
		if e.BodyPattern != bodyPatternName {
			return fail("unknown body pattern %q", e.BodyPattern)
		}
		encoded, err := hex.DecodeString(e.Hex)
		if err != nil {
			return fail("hex: %v", err)
		}
		m := newMessage(files.std, e.Message)
		if err := proto.Unmarshal(encoded, m); err != nil {
			return fail("proto.Unmarshal: %v", err)
		}
		p := m.Get(m.Descriptor().Fields().ByName("payload")).Message()
		body := p.Get(p.Descriptor().Fields().ByName("body")).Bytes()
		if len(body) != e.BodySize || !isPattern(body) {
			return fail("Go protobuf decodes a %d B body (pattern %v), the entry says %d", len(body), isPattern(body), e.BodySize)
		}
		own, err := decodeResponseBody(encoded)
		if err != nil || !bytes.Equal(own, body) {
			return fail("decodeResponseBody disagrees with proto.Unmarshal (%d B, %v)", len(own), err)
		}
	}
	return nil
}

// runFixtures is the `fixtures` subcommand.
func runFixtures(args []string) int {
	fs := flag.NewFlagSet("fixtures", flag.ContinueOnError)
	verify := fs.String("verify", "", "instead of printing, decode every entry of this fixtures JSON file and check its bodySize")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "fixtures: unexpected arguments (see -h)")
		return 2
	}
	var files fixtureFiles
	var err error
	if files.std, err = messagesFile(false); err == nil {
		files.explicit, err = messagesFile(true)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "fixtures: descriptor: %v\n", err)
		return 1
	}

	if *verify != "" {
		data, err := ioutil.ReadFile(*verify)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fixtures: %v\n", err)
			return 1
		}
		var file struct {
			Entries []fixtureEntry `json:"entries"`
		}
		if err := json.Unmarshal(data, &file); err != nil {
			fmt.Fprintf(os.Stderr, "fixtures: %s: %v\n", *verify, err)
			return 1
		}
		if err := verifyEntries(files, file.Entries); err != nil {
			fmt.Fprintf(os.Stderr, "fixtures: %s: %v\n", *verify, err)
			return 1
		}
		fmt.Printf("verified %d entries of %s with Go protobuf (%s)\n", len(file.Entries), *verify, runtime.Version())
		return 0
	}

	entries, err := goFixtures(files)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fixtures: %v\n", err)
		return 1
	}
	printJSON(map[string]interface{}{"producer": "grpc-go", "entries": entries})
	return 0
}
