import H2Loop
import H2Wire

/// One accepted connection of the embedded server: socket + nghttp2 server session + the
/// per-request producers.
///
/// Producers queue at most ``lowWater`` bytes ahead of what nghttp2 has taken, so a large
/// response never sits whole in memory; paced messages wait on loop timers (never sleeps).
/// Threading: owned by one ``ServerWorker``; loop thread only.
final class ServerConnection: EventHandler, ServerSessionDelegate, TimerHandler {
    unowned let worker: ServerWorker
    var socket: TCPSocket
    /// The TLS engine over `socket` (nil for h2c); the I/O paths branch on it once per read or write.
    var tls: TLSSession?
    /// TLS only: the handshake has not completed yet (HTTP/2 output waits in `output`).
    private var handshaking = false
    private var registration: Registration?
    var session: ServerSession!
    var output = OutputBuffer(capacity: 64 * 1024)
    var streams: [Int32: ServerStream] = [:]
    /// Streams whose producer has more to queue once their queue drains (or, with a pending
    /// fault, whose fault waits for the queue to drain).
    var producing: Set<Int32> = []
    /// A `close` / `tcp-reset` fault is ending the connection (see ServerConnection+Faults.swift).
    var pendingAbort: ConnectionAbort?
    /// After a `close` fault's FIN: input is read and dropped until the peer closes.
    var halfClosed = false
    private var closed = false
    private var wantsWritable = false
    /// Streams in a stream-window stall episode, with its start (monotonic ns).
    private var stalledStreams: [Int32: UInt64] = [:]
    /// Start of the current connection-window stall episode (0 = none).
    private var connectionStallSince: UInt64 = 0
    /// Bytes queued ahead per stream before the producer waits for nghttp2 to take them.
    static let lowWater = 256 * 1024
    static let chunk = 64 * 1024

    init(worker: ServerWorker, socket: TCPSocket) throws(HTTP2Error) {
        self.worker = worker
        self.socket = socket
        self.session = nil
        // Credit is returned by hand (requestData) so a `withhold-credit` fault can keep a stream's.
        self.session = try ServerSession(settings: worker.settings, delegate: self, autoWindowUpdate: false)
    }

    func start() {
        if let context = worker.tlsContext {
            do {
                tls = try TLSSession(context: context, serverName: nil)
            } catch {
                close()
                return
            }
            handshaking = true
        }
        do {
            registration = try worker.loop.register(fd: socket.fd, interest: .readable, handler: self)
        } catch {
            close()
            return
        }
        flush()
    }

    /// Advances the TLS handshake; returns true once it is complete. A failed handshake (no
    /// ALPN `h2` offered, the client rejected the certificate) is counted and closes the connection.
    private func advanceHandshake(_ tls: TLSSession) -> Bool {
        do {
            switch try tls.pumpHandshake(socket: socket) {
            case .complete:
                handshaking = false
                return true
            case .waiting(let wantsWritable):
                setWritable(wantsWritable)
                return false
            }
        } catch {
            worker.stats.tlsHandshakesFailed += 1
            close()
            return false
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        if let reg = registration { worker.loop.deregister(reg) }
        registration = nil
        if let tls, !handshaking, socket.fd >= 0 {
            tls.closeNotify()
            _ = try? tls.send(to: socket)
        }
        tls = nil
        socket.close()
        streams.removeAll()
        producing.removeAll()
        worker.connectionClosed(self)
    }

    // MARK: I/O

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        worker.honourStallForTesting()
        guard !closed else { return }
        if halfClosed {
            drainAfterFin()
            return
        }
        if let tls {
            if handshaking {
                // Records that came with the client's Finished are read right below.
                guard advanceHandshake(tls) else { return }
            }
            guard readTLS(tls) else { return }
        } else if events.contains(.readable) {
            let buffer = worker.readBuffer
            readLoop: for _ in 0..<16 {
                let r: IOResult
                do { r = try socket.read(into: buffer) } catch { close(); return }
                switch r {
                case .bytes(let n):
                    do { try session.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } catch { close(); return }
                    if n < buffer.count { break readLoop }
                case .wouldBlock: break readLoop
                case .endOfFile: close(); return
                }
            }
        }
        flush()
    }

    /// TLS read path: ciphertext into the TLS ring, decrypted into the worker's read buffer,
    /// handed to nghttp2. Returns false when the connection was closed.
    private func readTLS(_ tls: TLSSession) -> Bool {
        let buffer = worker.readBuffer
        var rx: UInt64 = 0
        for _ in 0..<16 {
            let r: IOResult
            do { r = try tls.receive(from: socket, control: nil, rxTimestamp: &rx) } catch { close(); return false }
            decrypting: while true {
                let plain: TLSSession.DecryptResult
                do { plain = try tls.decrypt(into: buffer) } catch { close(); return false }
                switch plain {
                case .bytes(let n):
                    do { try session.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) } catch { close(); return false }
                    if closed { return false }
                case .needsInput: break decrypting
                case .closed: close(); return false
                }
            }
            switch r {
            case .bytes: if tls.lastReceiveWasShort { return true }
            case .wouldBlock: return true
            case .endOfFile: close(); return false
            }
        }
        return true
    }

    /// Lets nghttp2 serialise what it can, tops up producers, writes to the socket.
    func flush() {
        guard !closed else { return }
        if pendingAbort != nil { flushAbort(); return }
        for _ in 0..<8 {
            do {
                _ = try session.drainOutput(into: &output)
                topUpProducers()
                if pendingAbort != nil { flushAbort(); return }
                _ = try session.drainOutput(into: &output)
            } catch {
                close()
                return
            }
            let produced = output.readableBytes
            if !writeOut() { return }
            if produced == 0 || output.readableBytes > 0 { break }
        }
        if !session.wantsRead && !session.wantsWrite && output.readableBytes == 0 { close() }
    }

    /// Writes buffered output; returns false when the connection was closed.
    func writeOut() -> Bool {
        if let tls { return writeOutTLS(tls) }
        while output.readableBytes > 0 {
            let r: IOResult
            do { r = try output.withReadableBytes { try socket.write($0) } } catch { close(); return false }
            switch r {
            case .bytes(let n): output.consume(n)
            case .wouldBlock, .endOfFile: setWritable(true); return true
            }
        }
        setWritable(false)
        return true
    }

    /// TLS variant of ``writeOut()``: encrypt until the ring is full, send, repeat. During the
    /// handshake the HTTP/2 output simply waits.
    private func writeOutTLS(_ tls: TLSSession) -> Bool {
        if handshaking { return true }
        while true {
            while output.readableBytes > 0 {
                let n: Int
                do { n = try output.withReadableBytes { (bytes) throws(TLSError) in try tls.encrypt(bytes) } } catch { close(); return false }
                if n == 0 { break }
                output.consume(n)
            }
            let drained: Bool
            do { drained = try tls.send(to: socket) } catch { close(); return false }
            if !drained { setWritable(true); return true }
            if output.readableBytes == 0 { break }
        }
        setWritable(false)
        return true
    }

    private func setWritable(_ on: Bool) {
        guard on != wantsWritable, let reg = registration else { return }
        wantsWritable = on
        worker.loop.setInterest(reg, on ? [.readable, .writable] : .readable)
    }

    // MARK: ServerSessionDelegate

    func requestHeaders(stream: Int32, headers: [HeaderField]) {
        var path = ""
        var method = ""
        var grpc = false
        var stamp = false
        var faultText: String?
        var timeout: GRPCTimeout?
        for h in headers {
            switch h.name {
            case ":path": path = h.value
            case ":method": method = h.value
            case "content-type": grpc = h.value.hasPrefix("application/grpc")
            case "h2stress-stamp": stamp = h.value == "1"
            case Fault.headerName: faultText = h.value
            case "grpc-timeout": timeout = GRPCTimeout(parsing: h.value)
            default: break
            }
        }
        var s = ServerStream(id: stream, route: Self.route(method: method, path: path, grpc: grpc))
        s.stamp = stamp
        if grpc, let timeout {
            s.grpcTimeout = timeout
            s.receivedAt = MonotonicClock.now()
        }
        if let faultText { readFault(faultText, into: &s) }
        if s.fault?.kind == .refuse {
            session.resetStream(stream, errorCode: HTTP2ErrorCode.refusedStream.rawValue)
            worker.stats.faultsApplied += 1
            return
        }
        streams[stream] = s
    }

    static func route(method: String, path: String, grpc: Bool) -> ServerStream.Route {
        if method == "POST" && path == "/grpc.testing.TestService/StreamingOutputCall" { return .streamingOutput }
        if method == "POST" && path == "/grpc.testing.TestService/UnaryCall" { return .unary }
        if method == "GET" || method == "HEAD", path.hasPrefix("/bytes/"), let n = Int(path.dropFirst(7)), n >= 0 {
            return .bytes(n)
        }
        return .notFound(grpc: grpc)
    }

    func requestData(stream: Int32, bytes: UnsafeRawBufferPointer) {
        guard streams[stream] != nil else {
            session.consume(stream: stream, bytes: bytes.count)
            return
        }
        if streams[stream]!.fault?.kind == .withholdCredit {
            session.consumeConnection(bytes: bytes.count)
        } else {
            session.consume(stream: stream, bytes: bytes.count)
        }
        if streams[stream]!.requestBody.count + bytes.count <= 16 * 1024 * 1024 {
            streams[stream]!.requestBody.append(contentsOf: bytes)
        }
    }

    func requestEnded(stream: Int32) {
        guard var s = streams[stream] else { return }
        defer { if streams[stream] != nil { streams[stream] = s } }
        if let problem = s.faultError {
            answerFaultError(&s, problem)
            return
        }
        do {
            switch s.route {
            case .streamingOutput:
                let req = try s.requestBody.withUnsafeBytes { raw throws(GRPCWireError) in
                    try StreamingOutputCallRequest.decode(Self.grpcPayload(raw))
                }
                s.sizes = req.responseParameters.map { max(0, Int($0.size)) }
                s.intervals = req.responseParameters.map { UInt64(max(0, $0.intervalUs)) * 1000 }
                s.requestBody = []
                applyStall(&s)
                if delayHeaders(&s, status: 200, headers: Self.grpcResponseHeaders) { return }
                try session.sendResponseHeaders(stream: stream, status: 200, headers: Self.grpcResponseHeaders)
                worker.stats.streamsStarted += 1
                armDeadline(s)
                streams[stream] = s
                scheduleOrProduce(&s)
            case .unary:
                let req = try s.requestBody.withUnsafeBytes { raw throws(GRPCWireError) in
                    try SimpleRequest.decode(Self.grpcPayload(raw))
                }
                s.sizes = [max(0, Int(req.responseSize))]
                s.intervals = [0]
                s.requestBody = []
                applyStall(&s)
                if delayHeaders(&s, status: 200, headers: Self.grpcResponseHeaders) { return }
                try session.sendResponseHeaders(stream: stream, status: 200, headers: Self.grpcResponseHeaders)
                worker.stats.streamsStarted += 1
                armDeadline(s)
                scheduleOrProduce(&s)
            case .bytes(let n):
                s.remainingBytes = n
                let headers = [
                    HeaderField(name: "content-type", value: "application/octet-stream"),
                    HeaderField(name: "content-length", value: String(n)),
                ]
                if delayHeaders(&s, status: 200, headers: headers) { return }
                try session.sendResponseHeaders(stream: stream, status: 200, headers: headers)
                worker.stats.streamsStarted += 1
                produceBytes(&s)
            case .notFound(let grpc):
                if grpc {
                    try session.sendResponseHeaders(stream: stream, status: 200, headers: Self.grpcResponseHeaders)
                    session.finishResponse(stream: stream, trailers: [
                        HeaderField(name: "grpc-status", value: "12"),
                        HeaderField(name: "grpc-message", value: "h2stress serve: unknown method"),
                    ])
                } else {
                    try session.sendResponseHeaders(stream: stream, status: 404, headers: [])
                    session.finishResponse(stream: stream, trailers: [])
                }
                s.finished = true
            }
        } catch {
            if case .streamingOutput = s.route {} else if case .unary = s.route {} else {
                session.resetStream(stream, errorCode: HTTP2ErrorCode.internalError.rawValue)
                return
            }
            // A malformed gRPC request: answer INVALID_ARGUMENT rather than dropping it.
            try? session.sendResponseHeaders(stream: stream, status: 200, headers: Self.grpcResponseHeaders)
            session.finishResponse(stream: stream, trailers: [
                HeaderField(name: "grpc-status", value: "3"),
                HeaderField(name: "grpc-message", value: "h2stress serve: bad request message"),
            ])
            s.finished = true
        }
    }

    func streamClosed(stream: Int32, errorCode: UInt32) {
        endStreamStall(stream, now: MonotonicClock.now())
        if let s = streams.removeValue(forKey: stream), s.finished, !s.deadlineExpired, errorCode == 0 {
            worker.stats.streamsFinished += 1
        }
        producing.remove(stream)
    }

    func frame(_ event: FrameEvent) {
        if event.direction == .sent && event.type == FrameEvent.Kind.data {
            worker.stats.dataBytesSent += event.length
            checkStall(event.streamID)
        } else if event.direction == .received && event.type == FrameEvent.Kind.windowUpdate {
            let now = MonotonicClock.now()
            if event.streamID == 0 {
                if connectionStallSince != 0 && session.connectionRemoteWindow > 0 {
                    worker.stats.flowControl.recordStall(.connection, nanoseconds: now &- connectionStallSince)
                    connectionStallSince = 0
                }
            } else if session.streamRemoteWindow(event.streamID) > 0 {
                endStreamStall(event.streamID, now: now)
            }
        }
    }

    // MARK: Stall accounting

    /// Starts a stall episode when `stream` has data ready but a window at zero.
    private func checkStall(_ stream: Int32) {
        guard session.queuedBytes(stream: stream) > 0 else { return }
        let now = MonotonicClock.now()
        if session.streamRemoteWindow(stream) <= 0 && stalledStreams[stream] == nil {
            stalledStreams[stream] = now
        }
        if session.connectionRemoteWindow <= 0 && connectionStallSince == 0 {
            connectionStallSince = now
        }
    }

    private func endStreamStall(_ stream: Int32, now: UInt64) {
        if let since = stalledStreams.removeValue(forKey: stream) {
            worker.stats.flowControl.recordStall(.stream, nanoseconds: now &- since)
        }
    }

    // MARK: Producers

    static let grpcResponseHeaders = [HeaderField(name: "content-type", value: "application/grpc")]
    static let okTrailers = [HeaderField(name: "grpc-status", value: "0")]

    /// Strips the 5-byte gRPC prefix of a unary request message.
    static func grpcPayload(_ raw: UnsafeRawBufferPointer) throws(GRPCWireError) -> UnsafeRawBufferPointer {
        guard raw.count >= 5 else { return UnsafeRawBufferPointer(rebasing: raw[raw.count...]) }
        let len = Int(raw[1]) << 24 | Int(raw[2]) << 16 | Int(raw[3]) << 8 | Int(raw[4])
        return UnsafeRawBufferPointer(rebasing: raw[5..<min(raw.count, 5 + len)])
    }

    /// Queues messages that are due now; arms a timer for the next paced one.
    func scheduleOrProduce(_ s: inout ServerStream) {
        while s.next < s.sizes.count {
            if s.fault != nil && !s.faultDone && atFaultBoundary(s) {
                if applyBoundaryFault(&s) { return }
                continue
            }
            let pause = s.intervals[s.next]
            if pause > 0 && !s.waitingForTimer {
                s.waitingForTimer = true
                worker.loop.schedule(at: MonotonicClock.now() + pause, handler: self, token: UInt64(UInt32(bitPattern: s.id)))
                return
            }
            if session.queuedBytes(stream: s.id) >= Self.lowWater {
                producing.insert(s.id)
                return
            }
            s.waitingForTimer = false
            queueMessage(&s)
        }
        if s.fault != nil && !s.faultDone && atFaultBoundary(s) && applyBoundaryFault(&s) { return }
        producing.remove(s.id)
        if !s.finished {
            s.finished = true
            session.finishResponse(stream: s.id, trailers: Self.okTrailers)
        }
    }

    private func queueMessage(_ s: inout ServerStream) {
        if s.fault != nil && !s.faultDone && s.next == s.fault!.effectiveAfter {
            switch s.fault!.kind {
            case .cut: queueCutMessage(&s); return
            case .corrupt: queueCorruptMessage(&s); return
            default: break
            }
        }
        writeMessage(s, bodySize: s.sizes[s.next], index: UInt32(s.next) &+ s.indexOffset, flipLastByte: false)
        s.next += 1
        worker.stats.messagesQueued += 1
        checkStall(s.id)
    }

    /// Queues one gRPC response message of `bodySize` body bytes (stamped when asked, else a
    /// filler), framed with its 5-byte prefix; `flipLastByte` corrupts it after stamping (the
    /// `corrupt;how=checksum` fault).
    func writeMessage(_ s: ServerStream, bodySize: Int, index: UInt32, flipLastByte: Bool) {
        let messageLength = StreamingOutputCallResponse.encodedLength(bodySize: bodySize)
        let stamp = s.stamp
        let streamID = s.id
        session.enqueueData(stream: s.id, count: 5 + messageLength) { buf in
            buf[0] = 0
            buf[1] = UInt8(truncatingIfNeeded: messageLength >> 24)
            buf[2] = UInt8(truncatingIfNeeded: messageLength >> 16)
            buf[3] = UInt8(truncatingIfNeeded: messageLength >> 8)
            buf[4] = UInt8(truncatingIfNeeded: messageLength)
            let header = PayloadResponseLayout.writeHeader(bodySize: bodySize, to: buf.baseAddress! + 5)
            let body = UnsafeMutableRawBufferPointer(rebasing: buf[(5 + header)...])
            if stamp {
                _ = MessageStamp.write(into: body, streamID: UInt32(bitPattern: streamID), index: index,
                                       bodyLength: bodySize, sendTimeNs: MonotonicClock.realtimeNanoseconds())
            } else {
                body.initializeMemory(as: UInt8.self, repeating: 0x61)
            }
            if flipLastByte && !body.isEmpty { body[body.count - 1] ^= 0xFF }
        }
    }

    func produceBytes(_ s: inout ServerStream) {
        while s.remainingBytes > 0 {
            if s.fault != nil && !s.faultDone && atFaultBoundary(s) {
                if applyBoundaryFault(&s) { return }
                continue
            }
            if session.queuedBytes(stream: s.id) >= Self.lowWater {
                producing.insert(s.id)
                return
            }
            let n = min(Self.chunk, s.remainingBytes, bytesBeforeFault(s))
            session.enqueueData(stream: s.id, count: n) { buf in
                buf.initializeMemory(as: UInt8.self, repeating: 0x62)
            }
            s.remainingBytes -= n
            s.bytesQueued += n
        }
        if s.fault != nil && !s.faultDone && atFaultBoundary(s) && applyBoundaryFault(&s) { return }
        checkStall(s.id)
        producing.remove(s.id)
        if !s.finished {
            s.finished = true
            session.finishResponse(stream: s.id, trailers: [])
        }
    }

    private func topUpProducers() {
        guard !producing.isEmpty else { return }
        for id in Array(producing) {
            guard var s = streams[id], session.queuedBytes(stream: id) < Self.lowWater else { continue }
            if case .bytes = s.route { produceBytes(&s) } else { scheduleOrProduce(&s) }
            streams[id] = s
        }
    }

    // MARK: Timers

    func timerFired(token: UInt64, loop: EventLoop) {
        worker.honourStallForTesting()
        guard !closed else { return }
        let id = Int32(bitPattern: UInt32(truncatingIfNeeded: token))
        if token & Self.deadlineTimerFlag != 0 {
            deadlineExpired(id)
            flush()
            return
        }
        if token & Self.headersTimerFlag != 0 {
            sendDelayedHeaders(id)
            flush()
            return
        }
        guard var s = streams[id], s.waitingForTimer else { return }
        s.waitingForTimer = false
        queueMessage(&s)
        scheduleOrProduce(&s)
        streams[id] = s
        flush()
    }
}
