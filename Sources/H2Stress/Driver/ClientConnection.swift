import H2Loop
import H2Wire

/// One driver TCP connection: socket + nghttp2 client session + stream table.
///
/// Threading: owned by one ``DriverWorker``; every method runs on that worker's loop thread.
/// Invariants: every stream in `streams` has exactly one entry in `slotByID`; a stream leaves
/// the table exactly once, through `finish(_:closure:)` or `shutdown(countUnfinished:)`.
final class ClientConnection: EventHandler, ClientSessionDelegate {
    enum State { case idle, connecting, open, closed }

    unowned let worker: DriverWorker
    /// Connection number within the cell (for failure records).
    let index: Int
    private(set) var state = State.idle
    private var socket = TCPSocket(fd: -1)
    private var registration: Registration?
    private var session: ClientSession?
    private var output = OutputBuffer(capacity: 64 * 1024)
    private var streams: [ActiveStream?] = []
    private var freeSlots: [Int] = []
    private var slotByID: [Int32: Int] = [:]
    private var openStreams = 0
    private var goaway: (lastStreamID: Int32, errorCode: UInt32)?
    private var wantsWritable = false
    /// The peer's first SETTINGS frame has arrived, so its SETTINGS_MAX_CONCURRENT_STREAMS is known.
    /// Fix (tests branch): streams used to be opened before it arrived, when nghttp2 still assumes
    /// "unlimited"; a server announcing a lower limit then refused the excess with
    /// RST_STREAM(REFUSED_STREAM), counted as `reset` failures at the start of every connection.
    private var peerSettingsReceived = false

    init(worker: DriverWorker, index: Int) {
        self.worker = worker
        self.index = index
    }

    // MARK: Lifecycle

    /// Starts a non-blocking connect; failures are reported to the worker (which retries).
    func open() {
        guard state == .idle || state == .closed else { return }
        goaway = nil
        peerSettingsReceived = false
        do {
            socket = try TCPSocket.connect(host: worker.config.host, port: worker.config.port,
                                           rxTimestamps: worker.config.rxTimestamps)
            registration = try worker.loop.register(fd: socket.fd, interest: .writable, handler: self)
            state = .connecting
            wantsWritable = true
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
        do {
            session = try ClientSession(settings: worker.config.settings, delegate: self)
        } catch {
            fail(reason: "nghttp2 session: \(error)")
            return
        }
        state = .open
        worker.connectionOpened()
        let capacity = worker.config.streamsPerConnection
        if streams.count < capacity {
            streams.reserveCapacity(capacity)
            slotByID.reserveCapacity(capacity)
        }
        fillStreams()
        flush()
    }

    /// Ends the connection at the end of a cell: open streams are `unfinished`, not failures.
    func shutdown(countUnfinished: Bool) {
        for i in streams.indices {
            if let s = streams[i] {
                if countUnfinished { worker.streamUnfinished(s) }
                streams[i] = nil
            }
        }
        slotByID.removeAll(keepingCapacity: true)
        openStreams = 0
        closeSocket()
    }

    private func closeSocket() {
        if let reg = registration { worker.loop.deregister(reg) }
        registration = nil
        socket.close()
        session = nil
        output.clear()
        state = .closed
    }

    /// The connection died under its streams: each open stream ends as `connectionLost` (or
    /// `goaway` when the peer had announced GOAWAY), then the worker reconnects.
    private func fail(reason: String) {
        let now = MonotonicClock.now()
        let closure: StreamClosure = goaway.map { .goaway(lastStreamID: $0.lastStreamID, errorCode: $0.errorCode) }
            ?? .connectionLost(reason: reason)
        for i in streams.indices {
            if let s = streams[i] {
                streams[i] = nil
                worker.streamFinished(s, verdict: s.verifier.verdict(closure), connection: index, now: now)
            }
        }
        slotByID.removeAll(keepingCapacity: true)
        freeSlots = Array(streams.indices)
        openStreams = 0
        closeSocket()
        worker.connectionFailed(self, reason: reason)
    }

    // MARK: Streams

    private func fillStreams() {
        guard let session, state == .open, goaway == nil, peerSettingsReceived else { return }
        let limit = min(worker.config.streamsPerConnection, session.remoteMaxConcurrentStreams)
        let now = MonotonicClock.now()
        while openStreams < limit && worker.mayStartStream(now: now) {
            let plan = worker.nextPlan()
            let id: Int32
            do {
                id = try session.submitRequest(
                    method: plan.method, scheme: "http", authority: worker.config.authority, path: plan.path,
                    extraHeaders: plan.requestHeaders, body: plan.requestBody)
            } catch {
                worker.measurements.recordConnectionError("connection \(index): submit failed: \(error)")
                return
            }
            let measured = now >= worker.config.measureStart
            let stream = ActiveStream(id: id, verifier: StreamVerifier(plan: plan, streamID: id), startTime: now, measured: measured)
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
            worker.streamStarted(measured: measured)
        }
    }

    private func finish(_ id: Int32, closure: StreamClosure) {
        guard let slot = slotByID.removeValue(forKey: id), let stream = streams[slot] else { return }
        streams[slot] = nil
        freeSlots.append(slot)
        openStreams -= 1
        worker.streamFinished(stream, verdict: stream.verifier.verdict(closure), connection: index, now: MonotonicClock.now())
    }

    // MARK: I/O

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        if state == .connecting {
            guard events.contains(.writable) || events.contains(.hangup) else { return }
            connected()
            return
        }
        guard state == .open else { return }
        if events.contains(.readable) {
            guard readAvailable() else { return }
        }
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
        let buffer = worker.readBuffer
        for _ in 0..<16 {
            let result: IOResult
            do {
                result = try socket.read(into: buffer)
            } catch {
                fail(reason: "\(error)")
                return false
            }
            switch result {
            case .bytes(let n):
                do {
                    try session!.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                } catch {
                    fail(reason: "HTTP/2 protocol error: \(error)")
                    return false
                }
                if state != .open { return false }
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

    private func flush() {
        guard let session, state == .open else { return }
        do {
            _ = try session.drainOutput(into: &output)
        } catch {
            fail(reason: "HTTP/2 session error: \(error)")
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

    private func setWritable(_ on: Bool) {
        guard on != wantsWritable, let reg = registration else { return }
        wantsWritable = on
        worker.loop.setInterest(reg, on ? [.readable, .writable] : .readable)
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
        if worker.isMeasuring { worker.measurements.bytesReceived += bytes.count }
        guard let slot = slotByID[stream] else { return }
        let completed = streams[slot]!.verifier.data(bytes)
        guard completed > 0 else { return }
        let now = MonotonicClock.now()
        if worker.isMeasuring { worker.measurements.messagesReceived += completed }
        if streams[slot]!.measured {
            let last = streams[slot]!.lastMessageTime
            if last != 0 { worker.measurements.messageGap.record(nanoseconds: now &- last) }
            for _ in 1..<completed { worker.measurements.messageGap.record(nanoseconds: 0) }
        }
        streams[slot]!.lastMessageTime = now
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
        if event.direction == .received && event.type == FrameEvent.Kind.settings && event.flags & FrameEvent.Flag.ack == 0 {
            peerSettingsReceived = true
        }
    }
}
