// Command h2stress-grpcgo is the grpc-go side of h2stress's interop checks: a grpc-go
// grpc.testing.TestService server (with the schema-less echo service h2stress.echo.Echo), a
// grpc-go client for the seed scenario, and the Go-protobuf encoding fixtures. See README.md.
//
//	h2stress-grpcgo serve    [-port N] [-stream-window B] [-conn-window B] [-stats FILE]
//	h2stress-grpcgo client   -target 127.0.0.1:PORT [-streams 200] [-messages 100] ...
//	h2stress-grpcgo fixtures [-verify FILE]
//
// Built offline in GOPATH mode against Debian's grpc-go 1.33 and Go protobuf, with no
// generated code (interop/grpcgo/build.sh).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
)

const usage = `usage: h2stress-grpcgo <command> [flags]   (h2stress-grpcgo <command> -h lists the flags)

commands:
  serve     grpc-go grpc.testing.TestService server (UnaryCall, StreamingOutputCall) and the
            schema-less echo service h2stress.echo.Echo (Unary, Stream) on 127.0.0.1
  client    grpc-go client for the seed scenario; prints one JSON line
  fixtures  Go-protobuf encodings of the response messages, as JSON (or -verify a fixtures file)
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var status int
	switch command, args := os.Args[1], os.Args[2:]; command {
	case "serve":
		status = runServe(args)
	case "client":
		status = runClient(args)
	case "fixtures":
		status = runFixtures(args)
	case "-h", "-help", "--help", "help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "h2stress-grpcgo: unknown command %q\n\n%s", command, usage)
		status = 2
	}
	os.Exit(status)
}

// parseStatus is the exit status after a flag parse error: 0 for -h, 2 for bad usage.
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
