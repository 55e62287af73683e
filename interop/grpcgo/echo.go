package main

// serve: h2stress.echo.Echo, a schema-less echo service. Messages are opaque bytes (the
// pass-through codec; no protobuf at all), steered by request metadata. The contract is the
// same as interop/grpc_server.py's (grpcio); interop/echo_check.py checks either server.
//
//	/h2stress.echo.Echo/Unary   the request message back, unchanged
//	/h2stress.echo.Echo/Stream  server streaming, ONE request message: sent back echo-repeat
//	                            times, then status OK
//
// Metadata (all optional; decimal integers 0..2147483647, the last value of a repeated key
// counts; anything else fails the call with InvalidArgument before any message is sent):
//
//	echo-repeat: N       Stream: N messages (default 3; 0 allowed). Unary ignores it.
//	echo-stop-after: K   Stream: only the first min(K, N), then OK (a server that loses messages). Unary ignores it.
//	echo-status: C       end with status C (0..16; 0 = OK) and message "echo-status asked",
//	                     after the messages sent (Unary: none)
//	echo-interval-ms: T  pause T ms before each Stream message (Unary: before its reply); the
//	                     call's context (deadline, cancel) ends the pause with its error
//	echo-size: S         reply with S bytes of 'e' (0x65) instead of the request (S <= 64 MiB)

import (
	"bytes"
	"context"
	"strconv"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

const (
	echoStatusMessage = "echo-status asked"
	echoDefaultRepeat = 3
	echoInt32Max      = 1<<31 - 1
)

// echoOptions are the echo-* metadata of a call; -1: absent.
type echoOptions struct {
	repeat, stopAfter, status, intervalMs, size int64
}

// parseEchoOptions reads the echo-* metadata; a bad value is an InvalidArgument error worded
// like grpc_server.py's.
func parseEchoOptions(ctx context.Context) (echoOptions, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	number := func(key string, limit int64) (int64, error) {
		values := md.Get(key)
		if len(values) == 0 {
			return -1, nil
		}
		text := values[len(values)-1]
		ok := len(text) >= 1 && len(text) <= 10
		for i := 0; ok && i < len(text); i++ {
			ok = text[i] >= '0' && text[i] <= '9'
		}
		var n int64
		if ok {
			n, _ = strconv.ParseInt(text, 10, 64) // at most 10 digits: fits
			ok = n <= limit
		}
		if !ok {
			return 0, status.Errorf(codes.InvalidArgument, "bad %s \"%s\": want a decimal integer 0..%d", key, text, limit)
		}
		return n, nil
	}
	var o echoOptions
	var err error
	for _, f := range []struct {
		key   string
		limit int64
		into  *int64
	}{
		{"echo-repeat", echoInt32Max, &o.repeat},
		{"echo-stop-after", echoInt32Max, &o.stopAfter},
		{"echo-status", 16, &o.status},
		{"echo-interval-ms", echoInt32Max, &o.intervalMs},
		{"echo-size", maxMessage, &o.size},
	} {
		if *f.into, err = number(f.key, f.limit); err != nil {
			return o, err
		}
	}
	return o, nil
}

// body is what the call sends back: the request, or echo-size bytes of 'e'.
func (o echoOptions) body(request []byte) []byte {
	if o.size < 0 {
		return request
	}
	return bytes.Repeat([]byte{'e'}, int(o.size))
}

// statusError is the echo-status ending, or nil for none or 0 (OK).
func (o echoOptions) statusError() error {
	if o.status <= 0 {
		return nil
	}
	return status.Error(codes.Code(o.status), echoStatusMessage)
}

// pause waits echo-interval-ms, or returns the status of the call's context if it ends first.
func (o echoOptions) pause(ctx context.Context) error {
	if o.intervalMs <= 0 {
		return nil
	}
	timer := time.NewTimer(time.Duration(o.intervalMs) * time.Millisecond)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return status.FromContextError(ctx.Err()).Err()
	}
}

type echoServer struct {
	stats *serverStats
}

func (e *echoServer) unary(ctx context.Context, request []byte) ([]byte, error) {
	e.stats.echoBegin()
	o, err := parseEchoOptions(ctx)
	if err != nil {
		return nil, err
	}
	if err := o.pause(ctx); err != nil {
		return nil, err
	}
	if err := o.statusError(); err != nil {
		return nil, err
	}
	e.stats.echoSent()
	return o.body(request), nil
}

func (e *echoServer) stream(stream grpc.ServerStream) error {
	ctx := stream.Context()
	e.stats.echoBegin()
	o, err := parseEchoOptions(ctx)
	if err != nil {
		return err
	}
	var request []byte
	if err := stream.RecvMsg(&request); err != nil {
		return err // as grpc-go's generated server-streaming handlers do
	}
	count := int64(echoDefaultRepeat)
	if o.repeat >= 0 {
		count = o.repeat
	}
	if o.stopAfter >= 0 && o.stopAfter < count {
		count = o.stopAfter
	}
	body := o.body(request)
	for i := int64(0); i < count; i++ {
		if err := o.pause(ctx); err != nil {
			return err
		}
		if err := stream.SendMsg(body); err != nil {
			return err
		}
		e.stats.echoSent()
	}
	return o.statusError()
}

// echoServiceDesc registers h2stress.echo.Echo without generated code.
var echoServiceDesc = grpc.ServiceDesc{
	ServiceName: "h2stress.echo.Echo",
	HandlerType: (*interface{})(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Unary",
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
			var request []byte
			if err := dec(&request); err != nil {
				return nil, err
			}
			return srv.(*echoServer).unary(ctx, request)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Stream",
		ServerStreams: true,
		Handler: func(srv interface{}, stream grpc.ServerStream) error {
			return srv.(*echoServer).stream(stream)
		},
	}},
	Metadata: "h2stress/echo (schema-less)",
}
