import H2Loop
import H2Wire
import H2Results

// ClientConnection: the type, its state, and its lifecycle (connect, TLS handshake, open,
// shutdown, failure). The rest of the connection lives in extensions:
//   ClientConnection+Transport.swift  socket events, the one read loop and flush (h2c and TLS)
//   ClientConnection+Streams.swift    the stream table: open, finish, per-stream accounting
//   ClientConnection+Timers.swift     deadline, keepalive, connect-timeout and consumer timers
//   ClientConnection+Session.swift    the nghttp2 callbacks (ClientSessionDelegate)

/// One driver TCP connection: socket + nghttp2 client session + stream table.
///
/// Threading: owned by one ``DriverWorker``; every method runs on that worker's loop thread.
/// Invariants: every stream in `streams` has exactly one entry in `slotByID`; a stream leaves
/// the table exactly once, through `finish(_:closure:)`, `fail(reason:)` or `shutdown`.
/// Timer tokens carry the connection's `generation`, so a timer armed for a stream of an
/// earlier TCP connection (stream ids restart at 1) is ignored.
/// Access: the state below is internal rather than private only so that the
/// `ClientConnection+*.swift` extensions can reach it; nothing else in the module touches it
/// (``DriverWorker`` uses `index`, `open()`, `shutdown(countUnfinished:)`, `startDueStreams()`).
final class ClientConnection {
    /// `handshaking`: TCP is up, the TLS handshake is in progress (TLS targets only).
    enum State { case idle, connecting, handshaking, open, closed }

    /// The worker, unretained: it owns its connections and outlives them (it drops them before
    /// it returns). Held as `Unmanaged` so the hot callbacks can borrow it with no
    /// retain/release at all (``withWorker(_:)``); an `unowned(unsafe)` reference is still
    /// retained at every use, and the checked `unowned` cost ~3% of user CPU per callback.
    let workerRef: Unmanaged<DriverWorker>
    /// The worker, for the paths off the per-frame hot path.
    var worker: DriverWorker { workerRef.takeUnretainedValue() }
    /// Connection number within the cell (for failure records).
    let index: Int
    /// Seed of checksum sampling on this connection (``StreamVerifier/init(plan:streamID:checksumSeed:)``):
    /// from the run's seed and the connection number, so each connection sums other messages.
    let checksumSeed: UInt64
    /// `config.frameTrace`, read once: ``frame(_:)`` runs for every frame.
    let tracesFrames: Bool
    /// Stream credit follows the consumer but connection credit is returned as DATA arrives
    /// (`windowUpdate: on-consume` with `connectionWindowUpdate: on-receive`), read once.
    let consumesConnectionOnReceipt: Bool
    /// `grpc-timeout` is sent on gRPC streams (`client.sendGrpcTimeout` and a deadline).
    let sendsGrpcTimeout: Bool
    var state = State.idle
    /// The socket, under TLS for TLS targets. The I/O paths branch on plain/TLS once per read
    /// or flush, never per frame.
    var transport = ClientTransport(socket: TCPSocket(fd: -1))
    var registration: Registration?
    var session: ClientSession? {
        didSet { sessionRef = session.map(Unmanaged.passUnretained) }
    }
    /// ``session``, unretained, for ``withSession(_:)``.
    private var sessionRef: Unmanaged<ClientSession>?
    var output = OutputBuffer(capacity: 64 * 1024)
    /// The open streams by slot, and every stream object of this connection (finished ones are
    /// reused by later streams).
    var streams = StreamTable()
    var slotByID = StreamSlotMap()
    var openStreams = 0
    var goaway: (lastStreamID: Int32, errorCode: HTTP2ErrorCode)?
    var wantsWritable = false
    /// Streams are opened only once the peer's first SETTINGS frame has arrived: before it,
    /// nghttp2 assumes a concurrency limit the peer may not grant, and the extra streams would
    /// be refused (RST_STREAM REFUSED_STREAM) and miscounted as resets.
    var peerSettingsReceived = false
    /// A lower bound of a new stream's initial receive window: the SETTINGS_INITIAL_WINDOW_SIZE
    /// this client announced once the peer has acknowledged it, else the smaller of it and the
    /// protocol default 65,535 (nghttp2 applies local settings on their ACK). A stream that has
    /// received fewer bytes than its bound cannot be at a zero window, so its window is not
    /// looked up per DATA chunk (see ``ClientConnection/trackStreamWindow(_:now:)``).
    var streamWindowFloor = 0
    /// What the peer sent before its SETTINGS (at most ``firstBytesKept`` bytes): when a server
    /// answers with HTTP/1.1 or garbage, the connection error quotes it.
    var firstBytes: [UInt8] = []
    static let firstBytesKept = 48
    /// The first rule the peer broke, in nghttp2's words (``ClientSessionDelegate/sessionError(_:)``).
    var peerViolation: String?
    /// Set by a new violation until the output that answers it (RST_STREAM or GOAWAY) is out.
    var violationPending = false
    /// The error code of the GOAWAY this client sent to end the connection, when it did.
    var goawaySent: HTTP2ErrorCode?
    /// Incremented at every open; part of every timer token.
    var generation: UInt32 = 0
    /// Kernel RX timestamp (CLOCK_REALTIME ns) of the read being processed; 0 when none.
    var currentRxTimestamp: UInt64 = 0
    /// Monotonic ns since the connection receive window has been zero (0 = not zero now).
    var connectionZeroSince: UInt64 = 0
    /// Monotonic ns the outstanding keepalive PING was sent (0 = none outstanding).
    var pingSentAt: UInt64 = 0
    /// Recent frames of this connection, dumped to `frames/` for every abnormal stream.
    var trace = FrameTrace()
    /// The stream the last callback looked up (``withStream(_:_:)``): nghttp2 reports a stream's
    /// header fields, header block, DATA chunks, frames and close one after another, so most
    /// callbacks find their stream here without a table lookup. Unmanaged: the stream table
    /// holds the stream, and every path that removes a stream clears this first
    /// (``forgetCachedStream()``).
    var cachedStream: Unmanaged<ActiveStream>?
    var cachedStreamID: Int32 = 0
    /// Monotonic ns the connection was opened (frame trace times are relative to it).
    var connectionStart: UInt64 = 0
    /// Time stamped on frame events: taken once per read and once per flush, not per frame
    /// (a clock read costs more than recording the frame).
    var frameClock: UInt64 = 0
    /// CLOCK_REALTIME − CLOCK_MONOTONIC (wrapping), read once per socket read: a DATA chunk's
    /// dispatch time on the kernel's (and a stamp's) clock is its monotonic time plus this, one
    /// clock read instead of two per chunk. The two clocks drift apart only
    /// by NTP slewing (at most 500 ppm: under 1 µs over a read's processing).
    var realtimeOffset: UInt64 = 0
    /// The last clock read of the nghttp2 input being processed, and the stream it was read for
    /// (0: none). A stream that ends with no other stream's frame after that read (its last
    /// DATA or header block and its close arrive in the same input) ends at that time instead
    /// of a third clock read per stream. Cleared after each input and by any frame of another stream.
    var streamClock: UInt64 = 0
    var streamClockID: Int32 = 0
    /// The connection-level fault (GOAWAY below, close, tcp-reset) a stream on this TCP
    /// connection asked for, if any: clean streams it takes down are counted as its collateral.
    var connectionFault: String?


    /// Lends the session to `body` without a retain/release pair (nil when there is none): for
    /// the per-stream and per-chunk paths, none of which ends the session during the call.
    @inline(__always)
    func withSession<R>(_ body: (ClientSession) -> R) -> R? {
        sessionRef?._withUnsafeGuaranteedRef(body)
    }

    /// Only response header fields with these name lengths reach ``responseHeader(stream:name:value:isTrailer:)``.
    static let readHeaderLengths = ClientSession.headerLengthMask(for: StreamVerifier.readHeaderNames)

    init(worker: DriverWorker, index: Int) {
        workerRef = Unmanaged.passUnretained(worker)
        self.index = index
        self.checksumSeed = MessageStamp.splitMix(worker.config.seed ^ UInt64(truncatingIfNeeded: index) << 32)
        self.tracesFrames = worker.config.frameTrace
        self.consumesConnectionOnReceipt = worker.config.windowUpdate == .onConsume
            && worker.config.connectionWindowUpdate == .onReceive
        self.sendsGrpcTimeout = worker.config.sendGrpcTimeout && worker.config.deadline != nil
    }

    // MARK: Lifecycle

    /// Starts a non-blocking connect; failures are reported to the worker (which retries).
    func open() {
        guard state == .idle || state == .closed else { return }
        goaway = nil
        connectionFault = nil
        forgetCachedStream()
        peerSettingsReceived = false
        streamWindowFloor = min(65_535, worker.config.settings.initialWindowSize)
        firstBytes.removeAll()
        peerViolation = nil
        violationPending = false
        goawaySent = nil
        generation &+= 1
        trace.removeAll()
        connectionStart = MonotonicClock.now()
        if let reason = worker.tlsSetupError {
            state = .closed
            worker.connectionFailed(self, reason: reason)
            return
        }
        do {
            transport = ClientTransport(socket: try TCPSocket.connect(host: worker.config.host, port: worker.config.port,
                                                                      rxTimestamps: worker.config.rxTimestamps))
            registration = try worker.loop.register(fd: transport.socket.fd, interest: .writable, handler: self)
            state = .connecting
            wantsWritable = true
            worker.loop.schedule(at: MonotonicClock.now() &+ worker.config.connectTimeout, handler: self,
                                 token: timerToken(Self.connectTimeoutKind, stream: 0))
        } catch {
            transport.close()
            state = .closed
            worker.connectionFailed(self, reason: "\(error)")
        }
    }

    func connected() {
        let err = transport.socket.pendingError()
        guard err == 0 else {
            fail(reason: SystemError(call: "connect", errno: err).description)
            return
        }
        if let context = worker.tlsContext {
            do {
                try transport.beginTLS(context: context, serverName: worker.config.tls?.serverName ?? worker.config.host)
            } catch {
                fail(reason: "\(error)")
                return
            }
            state = .handshaking
            advanceHandshake()
            return
        }
        becomeOpen()
    }

    /// Drives the TLS handshake on every readiness event until it completes (then the HTTP/2
    /// session starts) or fails (a connection error naming the cause: certificate
    /// verification, ALPN, the peer's alert).
    func advanceHandshake() {
        guard let tls = transport.tls else { return }
        do {
            switch try tls.pumpHandshake(socket: transport.socket) {
            case .complete:
                becomeOpen()
            case .waiting(let wantsWritable):
                setWritable(wantsWritable)
            }
        } catch {
            let name = tls.serverName.map { " with \($0)" } ?? ""
            fail(reason: "TLS handshake\(name) failed: \(error)")
        }
    }

    /// TCP (and TLS) is up: start the HTTP/2 session and the streams.
    private func becomeOpen() {
        do {
            session = try ClientSession(settings: worker.config.settings, delegate: self,
                                        autoWindowUpdate: worker.config.windowUpdate == .onReceive)
            session?.reportsWindows = tracesFrames
            session?.responseHeaderLengths = Self.readHeaderLengths
        } catch {
            fail(reason: "nghttp2 session: \(error)")
            return
        }
        state = .open
        worker.connectionOpened()
        pingSentAt = 0
        if let keepalive = worker.config.keepalive {
            worker.loop.schedule(at: MonotonicClock.now() &+ keepalive.interval, handler: self,
                                 token: timerToken(Self.keepaliveKind, stream: 0))
        }
        let capacity = worker.config.streamsPerConnection
        if streams.slotCount < capacity {
            streams.reserveCapacity(capacity)
            slotByID.reserveCapacity(capacity)
        }
        fillStreams()
        if transport.isTLS {
            // Records that arrived with the end of the handshake (the peer's SETTINGS) are
            // already in the ring: no readiness event will announce them again.
            guard readAvailable() else { return }
        }
        flush()
    }

    /// Ends the connection at the end of a cell: open streams are `unfinished`, not failures.
    func shutdown(countUnfinished: Bool) {
        forgetCachedStream()
        let now = MonotonicClock.now()
        streams.releaseAll { s in
            streamOver(s, now: now)
            if countUnfinished { worker.streamUnfinished(s) }
        }
        slotByID.removeAll()
        openStreams = 0
        endConnectionZeroWindow(now: now)
        closeSocket()
    }

    func closeSocket() {
        if let reg = registration { worker.loop.deregister(reg) }
        registration = nil
        transport.close()
        session = nil
        output.clear()
        state = .closed
    }

    /// Why this client ended the connection itself, when the peer broke HTTP/2: the rule, in
    /// nghttp2's words, and the GOAWAY code sent. Nil while the session is healthy.
    var clientEndedCause: String? {
        guard peerViolation != nil || goawaySent != nil else { return nil }
        if goawaySent == nil, let session, session.wantsRead { return nil }   // a stream-level error; the connection goes on
        let code = goawaySent.map { " with GOAWAY(\($0.name ?? String($0.rawValue)))" } ?? ""
        guard let peerViolation = peerViolation ?? goawaySent?.peerFault else { return "the client ended the connection\(code)" }
        return "the server broke HTTP/2 (\(peerViolation)); the client ended the connection\(code)"
    }

    /// The first bytes of a peer that never sent SETTINGS, quoted: `HTTP/1.1 400 Bad Request…`.
    var notHTTP2Cause: String? {
        guard !peerSettingsReceived, !firstBytes.isEmpty else { return nil }
        let text = String(decoding: firstBytes, as: UTF8.self)
        let shown = String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7f ? Character($0) : "·" })
        return "the server did not answer with an HTTP/2 SETTINGS frame (got `\(shown)`\(firstBytes.count == Self.firstBytesKept ? "…" : "")); "
            + "is it an HTTP/2 server that accepts h2c with prior knowledge (or TLS with ALPN h2)?"
    }

    /// The connection died under its streams: each open stream ends as `connectionLost` (or
    /// `goaway` when the peer had announced GOAWAY), then the worker reconnects. When the
    /// peer broke HTTP/2 or never spoke it, the reason is that root cause, not the socket
    /// error that followed.
    func fail(reason given: String) {
        let reason = notHTTP2Cause ?? clientEndedCause.map { $0 == given ? given : "\($0); then: \(given)" } ?? given
        forgetCachedStream()
        let now = MonotonicClock.now()
        let closure: StreamClosure = goaway.map { .goaway(lastStreamID: $0.lastStreamID, errorCode: $0.errorCode) }
            ?? .connectionLost(reason: reason)
        streams.releaseAll { s in
            streamOver(s, now: now)
            report(s, verdict: s.verdict(closure), now: now)
        }
        slotByID.removeAll()
        openStreams = 0
        endConnectionZeroWindow(now: now)
        closeSocket()
        worker.connectionFailed(self, reason: reason)
    }
}
