package main

// client: the seed scenario from a real grpc-go client. Many concurrent StreamingOutputCall
// streams on ONE ClientConn (one HTTP/2 connection); each asks for `messages` responses of
// `size` bytes, `interval` apart, one of them `burst-size` bytes; the consumer sleeps
// `consumer-delay` before each Recv(). Prints one JSON line: how the streams ended (status
// code names), how many messages the application received per stream, and stream durations.

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

const streamingOutputCallMethod = "/grpc.testing.TestService/StreamingOutputCall"

var streamingOutputCallDesc = grpc.StreamDesc{StreamName: "StreamingOutputCall", ServerStreams: true}

type clientConfig struct {
	target        string
	streams       int
	messages      int
	size          int
	interval      time.Duration
	burstAt       int
	burstSize     int
	consumerDelay time.Duration
	deadline      time.Duration
	streamWindow  int
	connWindow    int
	timeout       time.Duration
}

// streamResult is what one stream saw.
type streamResult struct {
	code     string // final status code name ("OK" when Recv returned io.EOF)
	errText  string
	received int // messages Recv() returned to the application
	invalid  int // messages that did not decode or had the wrong body size
	pattern  int // messages whose body is the i%251 pattern (h2stress-grpcgo serve's bodies)
	duration time.Duration
}

// runClient is the `client` subcommand. Exit status: 0 when every stream ended before
// -timeout (whatever its status), 1 when the connection failed or -timeout cut the run, 2 on
// bad usage.
func runClient(args []string) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	var cfg clientConfig
	fs.StringVar(&cfg.target, "target", "", "server address, 127.0.0.1:PORT")
	fs.IntVar(&cfg.streams, "streams", 200, "concurrent StreamingOutputCall streams on the one connection")
	fs.IntVar(&cfg.messages, "messages", 100, "responses per stream")
	fs.IntVar(&cfg.size, "size", 100, "response body bytes")
	fs.DurationVar(&cfg.interval, "interval", 10*time.Millisecond, "server pause before each response (interval_us)")
	fs.IntVar(&cfg.burstAt, "burst-at", 47, "0-based index of the one large response; -1: none")
	fs.IntVar(&cfg.burstSize, "burst-size", 65536, "body bytes of the large response")
	fs.DurationVar(&cfg.consumerDelay, "consumer-delay", 100*time.Millisecond, "sleep before each Recv()")
	fs.DurationVar(&cfg.deadline, "deadline", 3*time.Second, "per-stream deadline (sent as grpc-timeout); 0: none")
	fs.IntVar(&cfg.streamWindow, "stream-window", 0, "initial stream window in bytes (grpc.WithInitialWindowSize); 0: grpc-go's default dynamic (BDP) window; below 65535 ignored by grpc-go")
	fs.IntVar(&cfg.connWindow, "conn-window", 0, "initial connection window in bytes (grpc.WithInitialConnWindowSize); 0: grpc-go's default dynamic (BDP) window; below 65535 ignored by grpc-go")
	fs.DurationVar(&cfg.timeout, "timeout", 60*time.Second, "cap on the whole run; streams still open then are cancelled")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if fs.NArg() > 0 || cfg.target == "" || cfg.streams < 1 || cfg.streams > 100000 || cfg.messages < 0 ||
		cfg.size < 0 || cfg.burstSize < 0 || cfg.size > maxMessage-16 || cfg.burstSize > maxMessage-16 ||
		cfg.interval < 0 || cfg.interval > time.Hour || cfg.consumerDelay < 0 || cfg.deadline < 0 || cfg.timeout <= 0 ||
		!validWindow(cfg.streamWindow) || !validWindow(cfg.connWindow) {
		fmt.Fprintln(os.Stderr, "client: bad arguments (see -h)")
		return 2
	}

	started := time.Now()
	// The overall cap cancels (rather than expires) the base context, so that a stream cut by
	// it ends Canceled and is never mistaken for one that hit its own deadline.
	base, cancelAll := context.WithCancel(context.Background())
	defer cancelAll()
	timedOut := make(chan struct{})
	capTimer := time.AfterFunc(cfg.timeout, func() { close(timedOut); cancelAll() })
	defer capTimer.Stop()

	output := map[string]interface{}{
		"target":          cfg.target,
		"streams":         cfg.streams,
		"messages":        cfg.messages,
		"size":            cfg.size,
		"intervalMs":      durationMs(cfg.interval),
		"burstAt":         cfg.burstAt,
		"burstSize":       cfg.burstSize,
		"consumerDelayMs": durationMs(cfg.consumerDelay),
		"deadlineMs":      durationMs(cfg.deadline),
		"streamWindow":    cfg.streamWindow,
		"connWindow":      cfg.connWindow,
		"gomaxprocs":      runtime.GOMAXPROCS(0),
		"grpcGo":          grpc.Version,
	}

	dialOptions := []grpc.DialOption{
		grpc.WithInsecure(),
		grpc.WithBlock(),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{}), grpc.MaxCallRecvMsgSize(maxMessage)),
	}
	if cfg.streamWindow > 0 {
		dialOptions = append(dialOptions, grpc.WithInitialWindowSize(int32(cfg.streamWindow)))
	}
	if cfg.connWindow > 0 {
		dialOptions = append(dialOptions, grpc.WithInitialConnWindowSize(int32(cfg.connWindow)))
	}
	dialCtx, cancelDial := context.WithTimeout(base, 10*time.Second)
	conn, err := grpc.DialContext(dialCtx, cfg.target, dialOptions...)
	cancelDial()
	if err != nil {
		output["error"] = fmt.Sprintf("dial %s: %v", cfg.target, err)
		printJSON(output)
		return 1
	}
	defer conn.Close()

	// The request is the same for every stream; the expected body sizes follow from it.
	params := make([]responseParameters, cfg.messages)
	for i := range params {
		params[i] = responseParameters{Size: int32(cfg.size), IntervalUs: int32(cfg.interval / time.Microsecond)}
		if i == cfg.burstAt {
			params[i].Size = int32(cfg.burstSize)
		}
	}
	request := encodeStreamingRequest(params)

	results := make([]streamResult, cfg.streams)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(r *streamResult) {
			defer wg.Done()
			runStream(base, conn, cfg, request, params, r)
		}(&results[i])
	}
	// Every stream ends soon after the cap cancels it (at most one consumer delay later);
	// the extra bound only guards against a hang in the library.
	allEnded := waitTimeout(&wg, cfg.timeout+cfg.consumerDelay+5*time.Second)

	statuses := map[string]int{}
	sampleErrors := map[string]string{}
	received := map[string]int{}
	durations := make([]time.Duration, 0, len(results))
	invalid, patterned := 0, 0
	if allEnded {
		for _, r := range results {
			statuses[r.code]++
			if r.errText != "" && sampleErrors[r.code] == "" {
				sampleErrors[r.code] = r.errText
			}
			received[strconv.Itoa(r.received)]++
			durations = append(durations, r.duration)
			invalid += r.invalid
			patterned += r.pattern
		}
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	var p50, max time.Duration
	if n := len(durations); n > 0 {
		p50, max = durations[(n+1)/2-1], durations[n-1]
	}
	cut := false
	select {
	case <-timedOut:
		cut = true
	default:
	}
	output["statuses"] = statuses
	output["sampleErrors"] = sampleErrors
	output["received"] = received
	output["durationMs"] = map[string]float64{"p50": durationMs(p50), "max": durationMs(max)}
	output["invalidMessages"] = invalid
	output["patternMessages"] = patterned
	output["timedOut"] = cut || !allEnded
	output["elapsedMs"] = durationMs(time.Since(started))
	printJSON(output)
	if cut || !allEnded {
		return 1
	}
	return 0
}

// runStream runs one StreamingOutputCall the way an ordinary grpc-go consumer does: send the
// request, then loop { sleep(consumer-delay); Recv() } until Recv returns io.EOF or an error.
func runStream(base context.Context, conn *grpc.ClientConn, cfg clientConfig, request []byte, params []responseParameters, r *streamResult) {
	start := time.Now()
	defer func() { r.duration = time.Since(start) }()
	ctx, cancel := base, context.CancelFunc(func() {})
	if cfg.deadline > 0 {
		ctx, cancel = context.WithTimeout(base, cfg.deadline)
	}
	defer cancel()

	fail := func(err error) {
		r.code, r.errText = status.Code(err).String(), err.Error()
	}
	stream, err := conn.NewStream(ctx, &streamingOutputCallDesc, streamingOutputCallMethod)
	if err != nil {
		fail(err)
		return
	}
	if err := stream.SendMsg(request); err != nil && err != io.EOF {
		fail(err)
		return
	}
	// After a SendMsg io.EOF (the server already ended the call) RecvMsg yields the status.
	if err := stream.CloseSend(); err != nil {
		fail(err)
		return
	}
	for {
		if cfg.consumerDelay > 0 {
			time.Sleep(cfg.consumerDelay)
		}
		var message []byte
		err := stream.RecvMsg(&message)
		if err == io.EOF {
			r.code = "OK"
			return
		}
		if err != nil {
			fail(err)
			return
		}
		body, decodeErr := decodeResponseBody(message)
		if decodeErr != nil || r.received >= len(params) || len(body) != int(params[r.received].Size) {
			r.invalid++
		} else if isPattern(body) {
			r.pattern++
		}
		r.received++
	}
}

func durationMs(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printJSON(v interface{}) {
	line, _ := json.Marshal(v)
	fmt.Printf("%s\n", line)
}
