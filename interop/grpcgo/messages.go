package main

// The grpc.testing messages this program speaks, encoded and decoded by hand with protowire
// (Go's protobuf wire primitives): the Debian grpc-go package ships no generated interop code
// and there is no protoc-gen-go-grpc, so nothing here is generated.
//
// Field numbers are those of grpc's src/proto/grpc/testing/messages.proto:
//
//	message Payload                     { PayloadType type = 1; bytes body = 2; }
//	message SimpleRequest               { PayloadType response_type = 1; int32 response_size = 2; Payload payload = 3; ... }
//	message SimpleResponse              { Payload payload = 1; string username = 2; ... string hostname = 6; }
//	message ResponseParameters          { int32 size = 1; int32 interval_us = 2; BoolValue compressed = 3; }
//	message StreamingOutputCallRequest  { PayloadType response_type = 1; repeated ResponseParameters response_parameters = 2; Payload payload = 3; ... }
//	message StreamingOutputCallResponse { Payload payload = 1; }
//
// Decoding follows protobuf's rules: unknown fields are skipped, a repeated scalar field keeps
// its last value, an embedded message that occurs more than once is merged.

import (
	"errors"
	"fmt"
	"sync"

	"google.golang.org/protobuf/encoding/protowire"
)

const (
	payloadTypeField = 1 // Payload.type (enum PayloadType; COMPRESSABLE = 0)
	payloadBodyField = 2 // Payload.body

	simpleRequestResponseSizeField = 2 // SimpleRequest.response_size

	streamingRequestParametersField = 2 // StreamingOutputCallRequest.response_parameters
	parametersSizeField             = 1 // ResponseParameters.size
	parametersIntervalField         = 2 // ResponseParameters.interval_us

	responsePayloadField = 1 // SimpleResponse.payload and StreamingOutputCallResponse.payload
)

// responseParameters is one grpc.testing.ResponseParameters: the body size of one response
// message and the pause before it is sent.
type responseParameters struct {
	Size       int32
	IntervalUs int32
}

var errMalformed = errors.New("malformed protobuf message")

// forEachField calls fn for every field of the encoded message b, in wire order, with the
// field's number, wire type and raw value (the varint value in v for varints, the bytes in
// data for length-delimited fields). Fields of other wire types are skipped.
func forEachField(b []byte, fn func(num protowire.Number, typ protowire.Type, v uint64, data []byte) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("%w: %v", errMalformed, protowire.ParseError(n))
		}
		b = b[n:]
		var v uint64
		var data []byte
		switch typ {
		case protowire.VarintType:
			v, n = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			data, n = protowire.ConsumeBytes(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("%w: field %d: %v", errMalformed, num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := fn(num, typ, v, data); err != nil {
			return err
		}
	}
	return nil
}

// decodeSimpleRequest returns SimpleRequest.response_size.
func decodeSimpleRequest(b []byte) (responseSize int32, err error) {
	err = forEachField(b, func(num protowire.Number, typ protowire.Type, v uint64, _ []byte) error {
		if num == simpleRequestResponseSizeField && typ == protowire.VarintType {
			responseSize = int32(v)
		}
		return nil
	})
	return responseSize, err
}

// decodeStreamingRequest returns StreamingOutputCallRequest.response_parameters.
func decodeStreamingRequest(b []byte) (params []responseParameters, err error) {
	err = forEachField(b, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
		if num != streamingRequestParametersField || typ != protowire.BytesType {
			return nil
		}
		var p responseParameters
		err := forEachField(data, func(num protowire.Number, typ protowire.Type, v uint64, _ []byte) error {
			if typ != protowire.VarintType {
				return nil
			}
			switch num {
			case parametersSizeField:
				p.Size = int32(v)
			case parametersIntervalField:
				p.IntervalUs = int32(v)
			}
			return nil
		})
		params = append(params, p)
		return err
	})
	return params, err
}

// encodeStreamingRequest encodes a StreamingOutputCallRequest with one ResponseParameters
// entry per element of params.
func encodeStreamingRequest(params []responseParameters) []byte {
	var out, entry []byte
	for _, p := range params {
		entry = entry[:0]
		if p.Size != 0 {
			entry = protowire.AppendTag(entry, parametersSizeField, protowire.VarintType)
			entry = protowire.AppendVarint(entry, uint64(p.Size))
		}
		if p.IntervalUs != 0 {
			entry = protowire.AppendTag(entry, parametersIntervalField, protowire.VarintType)
			entry = protowire.AppendVarint(entry, uint64(p.IntervalUs))
		}
		out = protowire.AppendTag(out, streamingRequestParametersField, protowire.BytesType)
		out = protowire.AppendBytes(out, entry)
	}
	return out
}

// encodeResponse encodes a SimpleResponse or StreamingOutputCallResponse (same shape on the
// wire) whose payload has a body of bodySize pattern bytes. The payload is always present
// (`0a 00` for an empty body), like grpc's interop servers and interop/grpc_server.py; the
// type (COMPRESSABLE = 0) is the proto3 default and is not written.
func encodeResponse(bodySize int) []byte {
	payloadLen := 0
	if bodySize > 0 {
		payloadLen = protowire.SizeTag(payloadBodyField) + protowire.SizeBytes(bodySize)
	}
	out := make([]byte, 0, protowire.SizeTag(responsePayloadField)+protowire.SizeBytes(payloadLen))
	out = protowire.AppendTag(out, responsePayloadField, protowire.BytesType)
	out = protowire.AppendVarint(out, uint64(payloadLen))
	if bodySize > 0 {
		out = protowire.AppendTag(out, payloadBodyField, protowire.BytesType)
		out = protowire.AppendBytes(out, patternBody(bodySize))
	}
	return out
}

// decodeResponseBody returns the payload body of a SimpleResponse or
// StreamingOutputCallResponse the way a conforming decoder sees it: several payload fields
// merge, so the body is the last body field found in any of them (nil when there is none).
func decodeResponseBody(b []byte) (body []byte, err error) {
	err = forEachField(b, func(num protowire.Number, typ protowire.Type, _ uint64, payload []byte) error {
		if num != responsePayloadField || typ != protowire.BytesType {
			return nil
		}
		return forEachField(payload, func(num protowire.Number, typ protowire.Type, _ uint64, data []byte) error {
			if num == payloadBodyField && typ == protowire.BytesType {
				body = data
			}
			return nil
		})
	})
	return body, err
}

// The body pattern: byte i of every body is i % 251 (251 is prime, so the pattern does not
// line up with power-of-two frame or buffer sizes). Shared with the fixtures ("i%251").
const patternModulus = 251

var pattern struct {
	sync.Mutex
	buf []byte
}

// patternBody returns n pattern bytes. The slice is shared: callers must not modify it.
func patternBody(n int) []byte {
	pattern.Lock()
	defer pattern.Unlock()
	if len(pattern.buf) < n {
		buf := make([]byte, n)
		for i := range buf {
			buf[i] = byte(i % patternModulus)
		}
		pattern.buf = buf
	}
	return pattern.buf[:n]
}

// isPattern reports whether body is the pattern of its length.
func isPattern(body []byte) bool {
	for i, c := range body {
		if c != byte(i%patternModulus) {
			return false
		}
	}
	return true
}
