package main

// serve: grpc.testing.TestService (UnaryCall, StreamingOutputCall) on grpc-go, registered with
// a hand-written grpc.ServiceDesc and the pass-through codec, written the way an ordinary
// grpc-go application is: the handlers sleep with the call's context and stop on its error.
// The same server also serves the schema-less echo service h2stress.echo.Echo (echo.go).

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/ioutil"
	"net"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// maxMessage is the largest message either side accepts (grpc-go's default receive limit is
// 4 MiB); the same as interop/grpc_server.py.
const maxMessage = 64 << 20

// How a call ended, for serverStats.
type ending int

const (
	endedOK               ending = iota // the handler returned nil
	endedDeadlineExceeded               // the call's deadline (grpc-timeout) passed while the handler waited
	endedCancelled                      // the call was cancelled while the handler waited, or Send failed
	endedOther                          // a bad request
)

// serverStats counts calls for the `stats` line. All methods are safe for concurrent use.
type serverStats struct {
	mu                sync.Mutex
	calls             int64
	unaryCalls        int64
	streamingCalls    int64
	callsWithDeadline int64
	minRemaining      time.Duration // deadline remaining when the handler started
	maxRemaining      time.Duration
	ended             [endedOther + 1]int64
	sendErrors        map[string]int64 // Send error status code name → count
	messagesSent      int64
	active            sync.WaitGroup // handlers running
	// h2stress.echo.Echo, counted apart so the TestService fields above keep their meaning.
	echoCalls        int64
	echoMessagesSent int64
}

// begin records a call's arrival.
func (s *serverStats) begin(ctx context.Context, streaming bool) {
	s.active.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if streaming {
		s.streamingCalls++
	} else {
		s.unaryCalls++
	}
	if deadline, ok := ctx.Deadline(); ok {
		remaining := time.Until(deadline)
		if s.callsWithDeadline == 0 || remaining < s.minRemaining {
			s.minRemaining = remaining
		}
		if s.callsWithDeadline == 0 || remaining > s.maxRemaining {
			s.maxRemaining = remaining
		}
		s.callsWithDeadline++
	}
}

// end records how a call ended and returns err, so handlers can `return stats.end(...)`.
func (s *serverStats) end(how ending, err error) error {
	s.mu.Lock()
	s.ended[how]++
	s.mu.Unlock()
	s.active.Done()
	return err
}

// sendFailed records a failed Send and ends the call as cancelled with that error.
func (s *serverStats) sendFailed(err error) error {
	s.mu.Lock()
	if s.sendErrors == nil {
		s.sendErrors = map[string]int64{}
	}
	s.sendErrors[status.Code(err).String()]++
	s.mu.Unlock()
	return s.end(endedCancelled, err)
}

func (s *serverStats) sent() {
	s.mu.Lock()
	s.messagesSent++
	s.mu.Unlock()
}

func (s *serverStats) echoBegin() {
	s.mu.Lock()
	s.echoCalls++
	s.mu.Unlock()
}

// echoSent counts an echo response handed to grpc-go (Send, or a unary handler's return).
func (s *serverStats) echoSent() {
	s.mu.Lock()
	s.echoMessagesSent++
	s.mu.Unlock()
}

// snapshot is the stats line's JSON object.
func (s *serverStats) snapshot(cfg serverConfig) map[string]interface{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	var remaining interface{}
	if s.callsWithDeadline > 0 {
		remaining = map[string]float64{"min": ms(s.minRemaining), "max": ms(s.maxRemaining)}
	}
	sendErrors := map[string]int64{}
	for code, n := range s.sendErrors {
		sendErrors[code] = n
	}
	endedTotal := int64(0)
	for _, n := range s.ended {
		endedTotal += n
	}
	return map[string]interface{}{
		"calls":                 s.calls,
		"unaryCalls":            s.unaryCalls,
		"streamingCalls":        s.streamingCalls,
		"callsWithDeadline":     s.callsWithDeadline,
		"deadlineRemainingMs":   remaining,
		"endedOK":               s.ended[endedOK],
		"endedDeadlineExceeded": s.ended[endedDeadlineExceeded],
		"endedCancelled":        s.ended[endedCancelled],
		"endedOther":            s.ended[endedOther],
		"unfinished":            s.calls - endedTotal,
		"sendErrors":            sendErrors,
		"messagesSent":          s.messagesSent,
		"echoCalls":             s.echoCalls,
		"echoMessagesSent":      s.echoMessagesSent,
		"gomaxprocs":            runtime.GOMAXPROCS(0),
		"streamWindow":          cfg.streamWindow,
		"connWindow":            cfg.connWindow,
		"grpcGo":                grpc.Version,
		"go":                    runtime.Version(),
	}
}

// testServer implements the two methods of grpc.testing.TestService that h2stress uses.
type testServer struct {
	stats serverStats
}

// unaryCall: SimpleRequest{response_size} → SimpleResponse{payload{body: response_size bytes}}.
func (t *testServer) unaryCall(ctx context.Context, req []byte) ([]byte, error) {
	t.stats.begin(ctx, false)
	size, err := decodeSimpleRequest(req)
	if err != nil {
		return nil, t.stats.end(endedOther, status.Error(codes.Internal, err.Error()))
	}
	if size < 0 || size > maxMessage-16 {
		return nil, t.stats.end(endedOther, status.Errorf(codes.InvalidArgument, "response_size %d out of range", size))
	}
	return encodeResponse(int(size)), t.stats.end(endedOK, nil)
}

// streamingOutputCall: one StreamingOutputCallResponse per response_parameters entry, each
// after sleeping its interval_us, stopping when the call's context ends (deadline or cancel)
// or a Send fails.
func (t *testServer) streamingOutputCall(stream grpc.ServerStream) error {
	ctx := stream.Context()
	t.stats.begin(ctx, true)
	var req []byte
	if err := stream.RecvMsg(&req); err != nil {
		return t.stats.end(endedOther, err)
	}
	params, err := decodeStreamingRequest(req)
	if err != nil {
		return t.stats.end(endedOther, status.Error(codes.Internal, err.Error()))
	}
	for _, p := range params {
		if p.Size < 0 || p.Size > maxMessage-16 {
			return t.stats.end(endedOther, status.Errorf(codes.InvalidArgument, "size %d out of range", p.Size))
		}
	}
	for _, p := range params {
		if p.IntervalUs > 0 {
			timer := time.NewTimer(time.Duration(p.IntervalUs) * time.Microsecond)
			select {
			case <-timer.C:
			case <-ctx.Done():
				timer.Stop()
				how := endedCancelled
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					how = endedDeadlineExceeded
				}
				return t.stats.end(how, status.FromContextError(ctx.Err()).Err())
			}
		}
		// Send blocks while the stream's write quota (64 KiB of queued, unwritten data) is
		// used up, which is what a peer's exhausted flow-control window leads to.
		if err := stream.SendMsg(encodeResponse(int(p.Size))); err != nil {
			return t.stats.sendFailed(err)
		}
		t.stats.sent()
	}
	return t.stats.end(endedOK, nil)
}

// testServiceDesc registers grpc.testing.TestService without generated code. HandlerType is
// the empty interface, which every server value satisfies.
var testServiceDesc = grpc.ServiceDesc{
	ServiceName: "grpc.testing.TestService",
	HandlerType: (*interface{})(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "UnaryCall",
		Handler: func(srv interface{}, ctx context.Context, dec func(interface{}) error, _ grpc.UnaryServerInterceptor) (interface{}, error) {
			var req []byte
			if err := dec(&req); err != nil {
				return nil, err
			}
			return srv.(*testServer).unaryCall(ctx, req)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "StreamingOutputCall",
		ServerStreams: true,
		Handler: func(srv interface{}, stream grpc.ServerStream) error {
			return srv.(*testServer).streamingOutputCall(stream)
		},
	}},
	Metadata: "grpc/testing/test.proto",
}

type serverConfig struct {
	port         int
	streamWindow int
	connWindow   int
	statsFile    string
}

// runServe is the `serve` subcommand.
func runServe(args []string) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	var cfg serverConfig
	fs.IntVar(&cfg.port, "port", 0, "TCP port on 127.0.0.1; 0 picks a free one")
	fs.IntVar(&cfg.streamWindow, "stream-window", 0, "initial stream window in bytes (grpc.InitialWindowSize); 0: grpc-go's default dynamic (BDP) window; values below 65535 are ignored by grpc-go")
	fs.IntVar(&cfg.connWindow, "conn-window", 0, "initial connection window in bytes (grpc.InitialConnWindowSize); 0: grpc-go's default dynamic (BDP) window; values below 65535 are ignored by grpc-go")
	fs.StringVar(&cfg.statsFile, "stats", "", "also write the stats JSON to this file on exit")
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	if fs.NArg() > 0 || cfg.port < 0 || cfg.port > 65535 || !validWindow(cfg.streamWindow) || !validWindow(cfg.connWindow) {
		fmt.Fprintln(os.Stderr, "serve: bad arguments (see -h)")
		return 2
	}

	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		return 1
	}
	opts := []grpc.ServerOption{
		grpc.CustomCodec(rawCodec{}),
		grpc.MaxRecvMsgSize(maxMessage),
		grpc.MaxSendMsgSize(maxMessage),
	}
	if cfg.streamWindow > 0 {
		opts = append(opts, grpc.InitialWindowSize(int32(cfg.streamWindow)))
	}
	if cfg.connWindow > 0 {
		opts = append(opts, grpc.InitialConnWindowSize(int32(cfg.connWindow)))
	}
	impl := &testServer{}
	server := grpc.NewServer(opts...)
	server.RegisterService(&testServiceDesc, impl)
	server.RegisterService(&echoServiceDesc, &echoServer{stats: &impl.stats})

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()

	// stdout is unbuffered in Go: each Printf is one write(2), seen by a reader at once.
	fmt.Printf("listening on %s\n", listener.Addr())
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))
	fmt.Printf("grpc-go %s %s, stream window %s, connection window %s\n",
		grpc.Version, runtime.Version(), windowText(cfg.streamWindow), windowText(cfg.connWindow))

	status := 0
	select {
	case sig := <-signals:
		fmt.Fprintf(os.Stderr, "serve: %v, stopping\n", sig)
	case err := <-served:
		fmt.Fprintf(os.Stderr, "serve: %v\n", err)
		status = 1
	}
	stopServer(server, time.Second)
	// Stop cancels the handlers still running; give them a moment to record how they ended.
	waitTimeout(&impl.stats.active, 500*time.Millisecond)

	line, _ := json.Marshal(impl.stats.snapshot(cfg))
	fmt.Printf("stats %s\n", line)
	if cfg.statsFile != "" {
		if err := ioutil.WriteFile(cfg.statsFile, append(line, '\n'), 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "serve: %v\n", err)
			status = 1
		}
	}
	return status
}

// stopServer stops gracefully (no new calls; running calls finish) for at most grace, then
// closes every connection.
func stopServer(server *grpc.Server, grace time.Duration) {
	done := make(chan struct{})
	go func() {
		server.GracefulStop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(grace):
		server.Stop()
		<-done
	}
}

// waitTimeout waits for wg for at most d and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// validWindow accepts 0 (the default) or a positive window up to 2^31-1 bytes.
func validWindow(w int) bool { return w >= 0 && w <= 1<<31-1 }

// windowText describes a window flag value as grpc-go applies it.
func windowText(w int) string {
	switch {
	case w == 0:
		return "default (dynamic, BDP)"
	case w < 65535:
		return fmt.Sprintf("%d (below 65535: ignored by grpc-go)", w)
	}
	return fmt.Sprintf("%d fixed", w)
}
