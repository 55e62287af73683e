package main

import (
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/encoding"
)

// rawCodec hands gRPC message bytes through unchanged: the handlers and the client encode
// and decode the protobuf messages themselves (messages.go). Its name is "proto", so the
// calls carry the ordinary content-type application/grpc and the peer cannot tell it from
// grpc-go's own protobuf codec.
//
// It implements both encoding.Codec (Name; the client's grpc.ForceCodec) and the older
// grpc.Codec (String; the server's grpc.CustomCodec, which is what grpc-go 1.33 has:
// grpc.ForceServerCodec came later).
type rawCodec struct{}

var (
	_ encoding.Codec = rawCodec{}
	_ grpc.Codec     = rawCodec{}
)

func (rawCodec) Marshal(v interface{}) ([]byte, error) {
	switch m := v.(type) {
	case []byte:
		return m, nil
	case *[]byte:
		return *m, nil
	}
	return nil, fmt.Errorf("rawCodec: cannot marshal %T", v)
}

// Unmarshal keeps data without copying: grpc-go 1.33 allocates a fresh buffer for every
// received message (parser.recvMsg) and never reuses it.
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	m, ok := v.(*[]byte)
	if !ok {
		return fmt.Errorf("rawCodec: cannot unmarshal into %T", v)
	}
	*m = data
	return nil
}

func (rawCodec) Name() string   { return "proto" }
func (rawCodec) String() string { return "proto" }
