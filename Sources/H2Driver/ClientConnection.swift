import H2Loop
import H2Wire
import H2Results

/// One driver TCP connection: socket + nghttp2 client session + stream table.
///
/// Threading: owned by one ``DriverWorker``; every method runs on that worker's loop thread.
/// Invariants: every stream in `streams` has exactly one entry in `slotByID`; a stream leaves
/// the table exactly once, through `finish(_:closure:)`, `fail(reason:)` or `shutdown`.
/// Timer tokens carry the connection's `generation`, so a timer armed for a stream of an
/// earlier TCP connection (stream ids restart at 1) is ignored.
final class ClientConnection: EventHandler, ClientSessionDelegate, TimerHandler {
    /// `handshaking`: TCP is up, the TLS handshake is in progress (TLS targets only).
    enum State { case idle, connecting, handshaking, open, closed }

    /// `unowned(unsafe)`: the worker owns its connections and outlives them (it drops them
    /// before it returns), and the checked form cost ~3% of user CPU per callback.
    unowned(unsafe) let worker: DriverWorker
    /// Connection number within the cell (for failure records).
    let index: Int
    /// Seed of checksum sampling on this connection (``StreamVerifier/init(plan:streamID:checksumSeed:)``):
    /// from the run's seed and the connection number, so each connection sums other messages.
    private let checksumSeed: UInt64
    /// `config.frameTrace`, read once: ``frame(_:)`` runs for every frame.
    private let tracesFrames: Bool
    /// Stream credit follows the consumer but connection credit is returned as DATA arrives
    /// (`windowUpdate: on-consume` with `connectionWindowUpdate: on-receive`), read once.
    private let consumesConnectionOnReceipt: Bool
    /// `grpc-timeout` is sent on gRPC streams (`client.sendGrpcTimeout` and a deadline).
    private let sendsGrpcTimeout: Bool
    private(set) var state = State.idle
    private var socket = TCPSocket(fd: -1)
    /// The TLS engine over `socket` (nil for h2c). The I/O paths branch on it once per read
    /// or flush, never per frame.
    private var tls: TLSSession?
    private var registration: Registration?
    private var session: ClientSession?
    private var output = OutputBuffer(capacity: 64 * 1024)
    private var streams: [ActiveStream?] = []
    private var freeSlots: [Int] = []
    private var slotByID = StreamSlotMap()
    private(set) var openStreams = 0
    private var goaway: (lastStreamID: Int32, errorCode: UInt32)?
    private var wantsWritable = false
    /// Streams are opened only once the peer's first SETTINGS frame has arrived: before it,
    /// nghttp2 assumes a concurrency limit the peer may not grant, and the extra streams would
    /// be refused (RST_STREAM REFUSED_STREAM) and miscounted as resets.
    private var peerSettingsReceived = false
    /// Incremented at every open; part of every timer token.
    private var generation: UInt32 = 0
    /// Kernel RX timestamp (CLOCK_REALTIME ns) of the read being processed; 0 when none.
    private var currentRxTimestamp: UInt64 = 0
    /// Monotonic ns since the connection receive window has been zero (0 = not zero now).
    private var connectionZeroSince: UInt64 = 0
    /// Monotonic ns the outstanding keepalive PING was sent (0 = none outstanding).
    private var pingSentAt: UInt64 = 0
    /// Recent frames of this connection, dumped to `frames/` for every abnormal stream.
    private var trace = FrameTrace()
    /// The stream whose DATA was just delivered, so that the DATA frame event that follows
    /// (nghttp2 reports the frame after its chunks) finds the stream's frame tail without a
    /// second table lookup. Unmanaged: the stream table holds the stream, and every path that
    /// removes a stream clears this first (``forgetTailStream()``).
    private var tailStream: Unmanaged<ActiveStream>?
    private var tailStreamID: Int32 = 0
    /// Monotonic ns the connection was opened (frame trace times are relative to it).
    private var connectionStart: UInt64 = 0
    /// Time stamped on frame events: taken once per read and once per flush, not per frame
    /// (a clock read costs more than recording the frame).
    private var frameClock: UInt64 = 0
    /// The connection-level fault (GOAWAY below, close, tcp-reset) a stream on this TCP
    /// connection asked for, if any: clean streams it takes down are counted as its collateral.
    private var connectionFault: String?

    private static let keepaliveKind: UInt64 = 0
    private static let connectTimeoutKind: UInt64 = 1
    private static let deadlineKind: UInt64 = 2
    private static let consumerKind: UInt64 = 3
    private static let cancel = HTTP2ErrorCode.cancel.rawValue

    init(worker: DriverWorker, index: Int) {
        self.worker = worker
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
        forgetTailStream()
        peerSettingsReceived = false
        generation &+= 1
        trace.removeAll()
        connectionStart = MonotonicClock.now()
        if let reason = worker.tlsSetupError {
            state = .closed
            worker.connectionFailed(self, reason: reason)
            return
        }
        do {
            socket = try TCPSocket.connect(host: worker.config.host, port: worker.config.port,
                                           rxTimestamps: worker.config.rxTimestamps)
            registration = try worker.loop.register(fd: socket.fd, interest: .writable, handler: self)
            state = .connecting
            wantsWritable = true
            worker.loop.schedule(at: MonotonicClock.now() &+ worker.config.connectTimeout, handler: self,
                                 token: timerToken(Self.connectTimeoutKind, stream: 0))
        } catch {
            socket.close()
            state = .closed
            worker.connectionFailed(self, reason: "\(error)")
        }
    }

    private func connected() {
        let err = socket.pendingError()
        guard err == 0 else {
            fail(reason: SystemError(call: "connect", errno: err).description)
            return
        }
        if let context = worker.tlsContext {
            do {
                tls = try TLSSession(context: context, serverName: worker.config.tls?.serverName ?? worker.config.host)
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
    private func advanceHandshake() {
        guard let tls else { return }
        do {
            switch try tls.pumpHandshake(socket: socket) {
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
        if streams.count < capacity {
            streams.reserveCapacity(capacity)
            slotByID.reserveCapacity(capacity)
        }
        fillStreams()
        if tls != nil {
            // Records that arrived with the end of the handshake (the peer's SETTINGS) are
            // already in the ring: no readiness event will announce them again.
            guard readAvailable() else { return }
        }
        flush()
    }

    /// Ends the connection at the end of a cell: open streams are `unfinished`, not failures.
    func shutdown(countUnfinished: Bool) {
        forgetTailStream()
        let now = MonotonicClock.now()
        for i in streams.indices {
            if let s = streams[i] {
                streamOver(s, now: now)
                if countUnfinished { worker.streamUnfinished(s) }
                streams[i] = nil
            }
        }
        slotByID.removeAll()
        freeSlots = Array(streams.indices)
        openStreams = 0
        endConnectionZeroWindow(now: now)
        closeSocket()
    }

    private func closeSocket() {
        if let reg = registration { worker.loop.deregister(reg) }
        registration = nil
        if let tls, tls.isEstablished, socket.fd >= 0 {
            tls.closeNotify()
            _ = try? tls.send(to: socket)
        }
        tls = nil
        socket.close()
        session = nil
        output.clear()
        state = .closed
    }

    /// The connection died under its streams: each open stream ends as `connectionLost` (or
    /// `goaway` when the peer had announced GOAWAY), then the worker reconnects.
    private func fail(reason: String) {
        forgetTailStream()
        let now = MonotonicClock.now()
        let closure: StreamClosure = goaway.map { .goaway(lastStreamID: $0.lastStreamID, errorCode: $0.errorCode) }
            ?? .connectionLost(reason: reason)
        for i in streams.indices {
            if let s = streams[i] {
                streams[i] = nil
                streamOver(s, now: now)
                report(s, verdict: s.verifier.verdict(closure), now: now)
            }
        }
        slotByID.removeAll()
        freeSlots = Array(streams.indices)
        openStreams = 0
        endConnectionZeroWindow(now: now)
        closeSocket()
        worker.connectionFailed(self, reason: reason)
    }

    // MARK: Streams

    /// Whether this connection could open another stream right now.
    var hasCapacity: Bool {
        guard let session, state == .open, goaway == nil, peerSettingsReceived else { return false }
        return openStreams < min(worker.config.streamsPerConnection, session.remoteMaxConcurrentStreams)
    }

    /// Opens streams up to the limit while the worker allows (closed loop), or as many as the
    /// worker's open-loop schedule has due.
    func fillStreams() {
        guard state == .open else { return }
        let now = MonotonicClock.now()
        while hasCapacity, let intended = worker.nextStreamStart(now: now) {
            startStream(now: now, intendedStart: intended)
        }
    }

    private func startStream(now: UInt64, intendedStart: UInt64) {
        guard let session else { return }
        let plan = worker.nextPlan()
        let id: Int32
        do {
            id = try session.submitRequest(
                method: plan.method, scheme: worker.scheme, authority: worker.config.authority, path: plan.path,
                extraHeaders: plan.requestHeaders, body: plan.requestBody,
                grpcTimeout: grpcTimeout(plan, now: now, intendedStart: intendedStart))
        } catch {
            worker.measurements.recordConnectionError("connection \(index): submit failed: \(error)")
            return
        }
        if connectionFault == nil, let fault = plan.fault, fault.isConnectionLevel { connectionFault = plan.faultKey }
        let measured = intendedStart >= worker.config.measureStart
        let stream = ActiveStream(id: id, verifier: StreamVerifier(plan: plan, streamID: id, checksumSeed: checksumSeed),
                                  startTime: intendedStart, submitTime: now, measured: measured)
        let assigned = worker.drawConsumer()
        stream.slow = assigned != nil
        if assigned != nil || worker.config.windowUpdate == .onConsume {
            var consumer = StreamConsumer(delay: assigned, policy: worker.config.pendingMessageCredit)
            consumer.start(now: now, rng: &worker.consumerRNG)
            if consumer.busyUntil > now {
                worker.loop.schedule(at: consumer.busyUntil, handler: self, token: timerToken(Self.consumerKind, stream: id))
            }
            stream.consumer = consumer
        }
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            streams[slot] = stream
        } else {
            slot = streams.count
            streams.append(stream)
        }
        slotByID[id] = slot
        openStreams += 1
        if let deadline = worker.config.deadline {
            worker.loop.schedule(at: intendedStart &+ deadline, handler: self, token: timerToken(Self.deadlineKind, stream: id))
        }
        worker.streamStarted(measured: measured, slow: stream.slow)
    }

    /// The `grpc-timeout` to send: what is left of the deadline at submission (open loop
    /// counts the deadline from the intended start), as a gRPC client computes it.
    @inline(__always)
    private func grpcTimeout(_ plan: StreamPlan, now: UInt64, intendedStart: UInt64) -> GRPCTimeout? {
        guard sendsGrpcTimeout, plan.framing == .grpc, let deadline = worker.config.deadline else { return nil }
        let late = now > intendedStart ? now &- intendedStart : 0
        return GRPCTimeout(nanoseconds: deadline > late ? deadline &- late : 0)
    }

    private func finish(_ id: Int32, closure: StreamClosure) {
        guard let slot = slotByID.removeValue(forKey: id), let stream = streams[slot] else { return }
        if tailStreamID == id { forgetTailStream() }
        streams[slot] = nil
        freeSlots.append(slot)
        openStreams -= 1
        let now = MonotonicClock.now()
        streamOver(stream, now: now)
        report(stream, verdict: stream.verifier.verdict(closure), now: now)
    }

    /// Hands a finished stream to the worker, with a frame trace when it did not complete: the
    /// connection's frames around the end merged with the stream's own last frames.
    private func report(_ stream: ActiveStream, verdict: StreamVerdict, now: UInt64) {
        if verdict.outcome != .complete && stream.measured {
            if worker.measurements.frameTraces.count < FrameTraceDump.capPerCell {
                worker.measurements.frameTraces.append(FrameTraceDump(
                    cellID: worker.config.cellID, connection: index, streamID: stream.id, outcome: verdict.outcome.rawValue,
                    detail: verdict.detail, connectionStartNanos: connectionStart, streamStartNanos: stream.startTime,
                    streamEndNanos: now, entries: trace.snapshot(around: now, stream: stream.id, tail: stream.frameTail)))
            } else {
                worker.measurements.frameTracesLeftOut += 1
            }
        }
        worker.streamFinished(stream, verdict: verdict, connection: index, now: now, connectionFault: connectionFault)
    }

    // MARK: I/O

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        if state == .connecting {
            guard events.contains(.writable) || events.contains(.hangup) else { return }
            connected()
            return
        }
        if state == .handshaking {
            advanceHandshake()
            return
        }
        guard state == .open else { return }
        if events.contains(.readable) {
            guard readAvailable() else { return }
        }
        afterIO()
    }

    /// Open loop: starts the streams the schedule has due and writes them out. (Fix: starting
    /// them with `fillStreams()` alone left the requests in nghttp2's queue until the next
    /// socket event, so an idle open-loop connection filled its slots and stalled for good.)
    func startDueStreams() {
        guard state == .open else { return }
        afterIO()
    }

    /// Common tail of every wake: open streams, write, retire a GOAWAY'd connection.
    private func afterIO() {
        fillStreams()
        flush()
        if state == .open, goaway != nil, openStreams == 0, let session, !session.wantsWrite {
            closeSocket()
            worker.connectionRetired(self)
        }
    }

    /// Reads until the socket would block (bounded per wake for fairness). Returns false when
    /// the connection ended.
    private func readAvailable() -> Bool {
        if let tls { return readAvailableTLS(tls) }
        let buffer = worker.readBuffer
        worker.holdBeforeReadForTesting()
        var firstRead = true
        for _ in 0..<16 {
            let result: IOResult
            var rx: UInt64 = 0
            do {
                result = try socket.readTimestamped(into: buffer, control: worker.controlBuffer, rxTimestamp: &rx)
            } catch {
                fail(reason: "\(error)")
                return false
            }
            switch result {
            case .bytes(let n):
                noteRead(rxTimestamp: rx, firstOfWake: firstRead)
                firstRead = false
                guard deliver(buffer, count: n) else { return false }
                if n < buffer.count { return true }
            case .wouldBlock:
                return true
            case .endOfFile:
                fail(reason: "peer closed the connection (EOF)")
                return false
            }
        }
        return true
    }

    /// Bookkeeping for one socket read: the frame-trace clock, wake latency, the read's kernel
    /// timestamp (for the messages it completes).
    @inline(__always)
    private func noteRead(rxTimestamp: UInt64, firstOfWake: Bool) {
        frameClock = MonotonicClock.now()
        worker.readCompleted(rxTimestamp: rxTimestamp, firstOfWake: firstOfWake)
        currentRxTimestamp = rxTimestamp
    }

    /// Hands `count` plaintext bytes to nghttp2; false when the connection ended.
    @inline(__always)
    private func deliver(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> Bool {
        do {
            try session!.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        } catch {
            fail(reason: "HTTP/2 protocol error: \(error)")
            return false
        }
        if state != .open { return false }
        trackConnectionWindow()
        return true
    }

    /// TLS variant of ``readAvailable()``: ciphertext goes from the socket straight into the
    /// TLS ring (kernel RX timestamp of the encrypted bytes), is decrypted into the worker's
    /// read buffer and handed to nghttp2.
    private func readAvailableTLS(_ tls: TLSSession) -> Bool {
        let buffer = worker.readBuffer
        worker.holdBeforeReadForTesting()
        var firstRead = true
        for _ in 0..<16 {
            let result: IOResult
            var rx: UInt64 = 0
            do {
                result = try tls.receive(from: socket, control: worker.controlBuffer, rxTimestamp: &rx)
            } catch {
                fail(reason: "\(error)")
                return false
            }
            if case .bytes = result {
                noteRead(rxTimestamp: rx, firstOfWake: firstRead)
                firstRead = false
            }
            decrypting: while true {
                let plain: TLSSession.DecryptResult
                do {
                    plain = try tls.decrypt(into: buffer)
                } catch {
                    fail(reason: "TLS error: \(error)")
                    return false
                }
                switch plain {
                case .bytes(let n):
                    guard deliver(buffer, count: n) else { return false }
                case .needsInput:
                    break decrypting
                case .closed:
                    fail(reason: "peer ended the TLS session (close_notify)")
                    return false
                }
            }
            switch result {
            case .bytes:
                if tls.lastReceiveWasShort { return true }
            case .wouldBlock:
                return true
            case .endOfFile:
                fail(reason: "peer closed the connection (EOF)")
                return false
            }
        }
        return true
    }

    private func flush() {
        guard let session, state == .open else { return }
        frameClock = MonotonicClock.now()
        do {
            _ = try session.drainOutput(into: &output)
        } catch {
            fail(reason: "HTTP/2 session error: \(error)")
            return
        }
        if let tls {
            flushTLS(tls)
            return
        }
        while output.readableBytes > 0 {
            let result: IOResult
            do {
                result = try output.withReadableBytes { try socket.write($0) }
            } catch {
                fail(reason: "\(error)")
                return
            }
            switch result {
            case .bytes(let n): output.consume(n)
            case .wouldBlock, .endOfFile: setWritable(true); return
            }
        }
        setWritable(false)
    }

    /// TLS variant of the write half of ``flush()``: encrypts `output` into the TLS ring until
    /// the ring is full, sends, repeats; waits for writability when the socket is full.
    private func flushTLS(_ tls: TLSSession) {
        while true {
            while output.readableBytes > 0 {
                let n: Int
                do {
                    n = try output.withReadableBytes { (bytes) throws(TLSError) in try tls.encrypt(bytes) }
                } catch {
                    fail(reason: "TLS error: \(error)")
                    return
                }
                if n == 0 { break }
                output.consume(n)
            }
            let drained: Bool
            do {
                drained = try tls.send(to: socket)
            } catch {
                fail(reason: "\(error)")
                return
            }
            if !drained {
                setWritable(true)
                return
            }
            if output.readableBytes == 0 { break }
        }
        setWritable(false)
    }

    private func setWritable(_ on: Bool) {
        guard on != wantsWritable, let reg = registration else { return }
        wantsWritable = on
        worker.loop.setInterest(reg, on ? [.readable, .writable] : .readable)
    }

    /// Drops the cached stream of ``tailStream`` (it is about to leave the table).
    @inline(__always)
    private func forgetTailStream() {
        tailStream = nil
        tailStreamID = 0
    }

    // MARK: Flow-control accounting

    /// Starts or ends the stream's zero-window period. `now` 0 means "read the clock if the
    /// state changes": most DATA chunks change nothing, and a clock read per chunk was ~1 % of
    /// the driver's CPU on 64 KiB bodies.
    private func trackStreamWindow(_ s: ActiveStream, now: UInt64) {
        guard let session else { return }
        if session.streamReceiveWindow(s.id) <= 0 {
            if s.zeroWindowSince == 0 { s.zeroWindowSince = now != 0 ? now : MonotonicClock.now() }
        } else if s.zeroWindowSince != 0 {
            s.zeroWindowTotal &+= (now != 0 ? now : MonotonicClock.now()) &- s.zeroWindowSince
            s.zeroWindowSince = 0
        }
    }

    /// Closes a stream's running figures at its end: when its consumer would have taken the
    /// last message that arrived (``ActiveStream/consumedEnd``), the zero-window time so far,
    /// and a consumer delay still running (counted up to `now`).
    private func streamOver(_ s: ActiveStream, now: UInt64) {
        s.consumedEnd = s.consumer?.drainEnd(now: now, rng: &worker.consumerRNG) ?? now
        s.consumer?.end(now: now)
        if s.zeroWindowSince != 0 {
            s.zeroWindowTotal &+= now &- s.zeroWindowSince
            s.zeroWindowSince = 0
        }
    }

    private func trackConnectionWindow() {
        guard let session else { return }
        let now = MonotonicClock.now()
        if session.connectionReceiveWindow <= 0 {
            if connectionZeroSince == 0 { connectionZeroSince = now }
        } else {
            endConnectionZeroWindow(now: now)
        }
    }

    private func endConnectionZeroWindow(now: UInt64) {
        if connectionZeroSince != 0 {
            worker.connectionZeroWindow(nanoseconds: now &- connectionZeroSince)
            connectionZeroSince = 0
        }
    }

    // MARK: Consumers

    /// Lets the stream's consumer act and returns its credit to the peer (on-consume).
    private func runConsumer(_ s: ActiveStream, now: UInt64) {
        guard s.consumer != nil else { return }
        let (credit, wakeAt) = s.consumer!.advance(now: now, rng: &worker.consumerRNG)
        if credit > 0 && worker.config.windowUpdate == .onConsume {
            if consumesConnectionOnReceipt {
                session?.consumeStream(s.id, bytes: credit)
            } else {
                session?.consume(stream: s.id, bytes: credit)
            }
            trackStreamWindow(s, now: now)
        }
        if let wakeAt {
            worker.loop.schedule(at: wakeAt, handler: self, token: timerToken(Self.consumerKind, stream: s.id))
        }
    }

    // MARK: Timers

    private func timerToken(_ kind: UInt64, stream: Int32) -> UInt64 {
        kind << 62 | UInt64(generation & 0x3FFF_FFFF) << 32 | UInt64(UInt32(bitPattern: stream))
    }

    func timerFired(token: UInt64, loop: EventLoop) {
        guard UInt32(truncatingIfNeeded: token >> 32) & 0x3FFF_FFFF == generation & 0x3FFF_FFFF else { return }
        let kind = token >> 62
        let id = Int32(bitPattern: UInt32(truncatingIfNeeded: token))
        switch kind {
        case Self.keepaliveKind:
            guard state == .open, let keepalive = worker.config.keepalive else { return }
            let now = MonotonicClock.now()
            if id == 0 {
                // Interval tick: send a PING and check for its ACK after the timeout.
                session?.submitPing()
                if pingSentAt == 0 { pingSentAt = now }
                worker.loop.schedule(at: now &+ keepalive.timeout, handler: self, token: timerToken(Self.keepaliveKind, stream: 1))
                worker.loop.schedule(at: now &+ keepalive.interval, handler: self, token: timerToken(Self.keepaliveKind, stream: 0))
                afterIO()
            } else if pingSentAt != 0 && now &- pingSentAt >= keepalive.timeout {
                fail(reason: "keepalive PING not answered within \(keepalive.timeout / 1_000_000) ms")
            }
        case Self.connectTimeoutKind:
            if state == .connecting {
                fail(reason: "connect timed out after \(worker.config.connectTimeout / 1_000_000) ms")
            } else if state == .handshaking {
                fail(reason: "TLS handshake did not complete within \(worker.config.connectTimeout / 1_000_000) ms of the connect")
            }
        case Self.deadlineKind:
            guard state == .open, slotByID[id] != nil else { return }
            session?.resetStream(id, errorCode: Self.cancel)
            let (dumps, recorded, open) = (worker.measurements.frameTraces.count, trace.recorded, generation)
            finish(id, closure: .deadline)
            afterIO()
            // The RST_STREAM went out with that flush, after the stream's dump was taken: add it there.
            if generation == open, dumps < worker.measurements.frameTraces.count,
               worker.measurements.frameTraces[dumps].streamID == id, worker.measurements.frameTraces[dumps].connection == index {
                worker.measurements.frameTraces[dumps].appendFramesSentForOutcome(trace.entries(since: recorded, stream: id))
            }
        case Self.consumerKind:
            guard state == .open, let slot = slotByID[id], let s = streams[slot] else { return }
            runConsumer(s, now: MonotonicClock.now())
            afterIO()
        default:
            break
        }
    }

    // MARK: ClientSessionDelegate (called from inside nghttp2_session_mem_recv)

    func responseHeader(stream: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, isTrailer: Bool) {
        guard let slot = slotByID[stream] else { return }
        streams[slot]!.verifier.header(name: name, value: value, isTrailer: isTrailer)
    }

    func responseHeadersComplete(stream: Int32, isTrailer: Bool, endStream: Bool) {
        guard let slot = slotByID[stream] else { return }
        streams[slot]!.verifier.headersComplete(isTrailer: isTrailer, endStream: endStream)
        if streams[slot]!.headersTime == 0 {
            let now = MonotonicClock.now()
            streams[slot]!.headersTime = now
            if streams[slot]!.measured {
                worker.measurements.ttfb.record(nanoseconds: now &- streams[slot]!.startTime)
            }
        }
    }

    func responseData(stream: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool) {
        let measuring = worker.isMeasuring
        if measuring { worker.dataReceived(bytes: bytes.count) }
        // Connection credit on receipt, whatever happens to the stream (grpc-go's transport).
        if consumesConnectionOnReceipt { session?.consumeConnection(bytes: bytes.count) }
        guard let slot = slotByID[stream] else { return }
        let s = streams[slot]!
        if tracesFrames {
            tailStream = Unmanaged.passUnretained(s)
            tailStreamID = stream
        }
        s.consumer?.received(bytes: bytes.count)
        var messages = 0
        var now: UInt64 = 0
        var realNow: UInt64 = 0
        let rx = currentRxTimestamp
        let m = worker
        s.verifier.data(bytes) { length, sendTime in
            if messages == 0 {
                now = MonotonicClock.now()
                realNow = MonotonicClock.realtimeNanoseconds()
            }
            messages += 1
            s.consumer?.completed(wireBytes: GRPCFrame.prefixLength + length)
            // Message-level figures belong to the measured *window* (a long stream opened
            // during warm-up still delivers measured messages); stream-level figures belong
            // to streams *started* in the window.
            guard measuring else { return }
            if s.lastMessageTime != 0 || messages > 1 {
                m.measurements.messageGap.record(nanoseconds: messages == 1 ? now &- s.lastMessageTime : 0)
            }
            if rx != 0 && realNow > rx { m.measurements.wakeDispatch.record(nanoseconds: realNow &- rx) }
            if sendTime != 0 && realNow > sendTime { m.measurements.delivery.record(nanoseconds: realNow &- sendTime) }
        }
        if s.verifier.plan.framing == .http {
            // A plain HTTP body is handed to its consumer chunk by chunk.
            s.consumer?.completed(wireBytes: bytes.count)
            if measuring && rx != 0 {
                let real = MonotonicClock.realtimeNanoseconds()
                if real > rx { worker.measurements.wakeDispatch.record(nanoseconds: real &- rx) }
            }
        }
        if messages > 0 {
            s.lastMessageTime = now
            if measuring { worker.messagesReceived(messages) }
        }
        if s.consumer != nil { runConsumer(s, now: messages > 0 ? now : MonotonicClock.now()) }
        trackStreamWindow(s, now: messages > 0 ? now : 0)
    }

    func streamEnded(stream: Int32) {
        guard let slot = slotByID[stream] else { return }
        streams[slot]!.verifier.endStream()
    }

    func streamClosed(stream: Int32, errorCode: UInt32) {
        guard let slot = slotByID[stream] else { return }
        let closure: StreamClosure
        if let g = goaway, stream > g.lastStreamID {
            closure = .goaway(lastStreamID: g.lastStreamID, errorCode: g.errorCode)
        } else if errorCode == Self.cancel, streams[slot]!.resetByPeer, let deadline = worker.config.deadline,
                  MonotonicClock.now() >= streams[slot]!.startTime &+ deadline {
            // The server's copy of the deadline (grpc-timeout) fired before ours: same outcome.
            closure = .serverDeadline(errorCode: errorCode)
        } else {
            closure = .closed(errorCode: errorCode, resetByPeer: streams[slot]!.resetByPeer)
        }
        finish(stream, closure: closure)
    }

    func resetReceived(stream: Int32, errorCode: UInt32) {
        guard let slot = slotByID[stream] else { return }
        streams[slot]!.resetByPeer = true
    }

    func goawayReceived(lastStreamID: Int32, errorCode: UInt32, debug: UnsafeRawBufferPointer) {
        goaway = (lastStreamID, errorCode)
    }

    func frame(_ event: FrameEvent) {
        if tracesFrames {
            let entry = trace.record(event, time: frameClock, connectionWindow: Int(event.connectionWindow),
                                     streamWindow: Int(event.streamWindow))
            if event.streamID != 0 && event.streamID == tailStreamID, let s = tailStream {
                s.takeUnretainedValue().frameTail.record(entry)
            } else if let slot = slotByID[event.streamID], let s = streams[slot] {
                s.frameTail.record(entry)
            }
        }
        if event.direction == .received && event.type == FrameEvent.Kind.settings && event.flags & FrameEvent.Flag.ack == 0 {
            peerSettingsReceived = true
        } else if event.direction == .received && event.type == FrameEvent.Kind.ping && event.flags & FrameEvent.Flag.ack != 0 {
            pingSentAt = 0
        } else if event.direction == .sent && event.type == FrameEvent.Kind.windowUpdate {
            worker.windowUpdateSent(increment: Int(event.windowIncrement))
        }
    }
}
