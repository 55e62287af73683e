import H2Loop
import H2Wire

/// How a `close` / `tcp-reset` fault ends the connection once the output written so far is out.
struct ConnectionAbort {
    /// SO_LINGER 0 (RST) instead of FIN.
    var reset: Bool
    /// The stream whose half DATA frame is written last.
    var streamID: Int32
    /// The half frame is in the output buffer.
    var frameQueued = false
}

/// Fault injection (docs/faults.md): the request header `h2stress-fault` is parsed once at the
/// request's headers (``Fault/parse(_:)``); the producers call in here at message boundaries.
/// Nothing here runs per message for a stream without a fault.
extension ServerConnection {
    static let headersTimerFlag: UInt64 = 1 << 32
    /// Size the half DATA frame of `close` / `tcp-reset` announces, and how much of it is sent.
    static let abortFrameLength = 1_024
    static let abortFrameSent = 16

    /// Parses the fault header into `s.fault`, or records why it cannot be used on this route.
    func readFault(_ text: String, into s: inout ServerStream) {
        switch Fault.parse(text) {
        case .failure(let error):
            s.faultError = "\(Fault.headerName): \(error)"
        case .success(let fault):
            let grpc: Bool
            switch s.route {
            case .streamingOutput, .unary: grpc = true
            case .bytes: grpc = false
            case .notFound: return
            }
            if !grpc {
                switch fault.kind {
                case .rst, .goaway, .close, .tcpReset, .truncate, .delay, .refuse: break
                default:
                    s.faultError = "\(Fault.headerName): `\(fault.kind.rawValue)` applies to gRPC responses only, not to GET /bytes/<n>"
                    return
                }
            }
            s.fault = fault
            if fault.kind == .withholdCredit { worker.stats.faultsApplied += 1 }
        }
    }

    /// Answers a request whose fault header was unusable: gRPC status 3, or HTTP 400.
    func answerFaultError(_ s: inout ServerStream, _ problem: String) {
        s.finished = true
        switch s.route {
        case .streamingOutput, .unary:
            try? session.sendResponseHeaders(stream: s.id, status: 200, headers: Self.grpcResponseHeaders)
            session.finishResponse(stream: s.id, trailers: [
                HeaderField(name: "grpc-status", value: "3"),
                HeaderField(name: "grpc-message", value: problem),
            ])
        default:
            try? session.sendResponseHeaders(stream: s.id, status: 400, headers: [])
            session.finishResponse(stream: s.id, trailers: [])
        }
    }

    // MARK: Pauses

    /// `stall`: adds the pause before message `after` (no effect when there is no such message).
    func applyStall(_ s: inout ServerStream) {
        guard let f = s.fault, f.kind == .stall, let k = f.effectiveAfter, k < s.intervals.count else { return }
        s.intervals[k] &+= UInt64(max(0, f.milliseconds ?? 0)) * 1_000_000
        s.faultDone = true
        worker.stats.faultsApplied += 1
    }

    /// `delay`: holds the response HEADERS back for `ms`; returns true when it did (the caller
    /// stops, ``sendDelayedHeaders(_:)`` continues when the timer fires).
    func delayHeaders(_ s: inout ServerStream, status: Int, headers: [HeaderField]) -> Bool {
        guard let f = s.fault, f.kind == .delay, !s.faultDone else { return false }
        s.faultDone = true
        s.awaitingHeaders = true
        s.delayedHeaders = (status, headers)
        worker.stats.faultsApplied += 1
        let pause = UInt64(max(0, f.milliseconds ?? 0)) * 1_000_000
        worker.loop.schedule(at: MonotonicClock.now() &+ pause, handler: self,
                             token: Self.headersTimerFlag | UInt64(UInt32(bitPattern: s.id)))
        return true
    }

    /// The `delay` timer fired: sends the held HEADERS and starts producing.
    func sendDelayedHeaders(_ id: Int32) {
        guard var s = streams[id], s.awaitingHeaders, let held = s.delayedHeaders else { return }
        s.awaitingHeaders = false
        s.delayedHeaders = nil
        do {
            try session.sendResponseHeaders(stream: id, status: held.status, headers: held.fields)
        } catch {
            return   // the stream closed meanwhile (e.g. the client's deadline)
        }
        worker.stats.streamsStarted += 1
        if case .bytes = s.route { produceBytes(&s) } else { scheduleOrProduce(&s) }
        if streams[id] != nil { streams[id] = s }
    }

    // MARK: Boundary faults

    /// Whether the producer of `s` stands where its (pending) boundary fault happens.
    func atFaultBoundary(_ s: ServerStream) -> Bool {
        guard let f = s.fault else { return false }
        switch f.kind {
        case .rst, .goaway, .close, .tcpReset, .truncate, .noTrailers, .status: break
        default: return false
        }
        if case .bytes = s.route {
            let total = s.bytesQueued + s.remainingBytes
            return s.bytesQueued == min(f.effectiveAfter ?? total, total)
        }
        return s.next == min(f.effectiveAfter ?? s.sizes.count, s.sizes.count)
    }

    /// Plain HTTP: body bytes that may still be queued before the pending boundary fault.
    func bytesBeforeFault(_ s: ServerStream) -> Int {
        guard let f = s.fault, !s.faultDone, let after = f.effectiveAfter else { return Int.max }
        switch f.kind {
        case .rst, .goaway, .close, .tcpReset, .truncate: return max(1, after - s.bytesQueued)
        default: return Int.max
        }
    }

    /// Performs the boundary fault of `s`. Returns true when the producer must stop (the stream
    /// ended, or the fault waits for the queued data to be written first), false to go on.
    func applyBoundaryFault(_ s: inout ServerStream) -> Bool {
        let f = s.fault!
        let stopsTransport: Bool
        switch f.kind {
        case .rst, .close, .tcpReset: stopsTransport = true
        case .goaway: stopsTransport = (f.last ?? .below) == .below
        default: stopsTransport = false
        }
        // Everything sent before the fault must be on the wire before it: wait for the queue.
        if stopsTransport && session.queuedBytes(stream: s.id) > 0 {
            producing.insert(s.id)
            return true
        }
        s.faultDone = true
        worker.stats.faultsApplied += 1
        let grpc: Bool
        if case .bytes = s.route { grpc = false } else { grpc = true }
        switch f.kind {
        case .rst:
            session.resetStream(s.id, errorCode: HTTP2ErrorCode(rawValue: f.effectiveCode ?? HTTP2ErrorCode.cancel.rawValue))
        case .goaway:
            let below = (f.last ?? .below) == .below
            session.sendGoaway(lastStreamID: below ? max(0, s.id - 2) : s.id, errorCode: HTTP2ErrorCode(rawValue: f.effectiveCode ?? HTTP2ErrorCode.noError.rawValue))
            if !below { return false }
            // nghttp2 closes the streams above last-stream-id once the GOAWAY is sent.
        case .close, .tcpReset:
            pendingAbort = ConnectionAbort(reset: f.kind == .tcpReset, streamID: s.id)
        case .truncate:
            session.finishResponse(stream: s.id, trailers: grpc ? Self.okTrailers : [])
        case .noTrailers:
            session.finishResponse(stream: s.id, trailers: [])
        case .status:
            session.finishResponse(stream: s.id, trailers: [
                HeaderField(name: "grpc-status", value: String(f.effectiveCode ?? 13)),
                HeaderField(name: "grpc-message", value: "h2stress fault: status after \(s.next) messages"),
            ])
        default:
            return false
        }
        s.finished = true
        producing.remove(s.id)
        return true
    }

    // MARK: Damaged messages

    /// `cut`: message `after` promises its full length but only half of it is sent; the
    /// stream then ends with `grpc-status: 0`.
    func queueCutMessage(_ s: inout ServerStream) {
        let messageLength = StreamingOutputCallResponse.encodedLength(bodySize: s.sizes[s.next])
        let sent = messageLength / 2
        session.enqueueData(stream: s.id, count: 5 + sent) { buf in
            buf.initializeMemory(as: UInt8.self, repeating: 0x63)
            buf[0] = 0
            buf[1] = UInt8(truncatingIfNeeded: messageLength >> 24)
            buf[2] = UInt8(truncatingIfNeeded: messageLength >> 16)
            buf[3] = UInt8(truncatingIfNeeded: messageLength >> 8)
            buf[4] = UInt8(truncatingIfNeeded: messageLength)
        }
        s.faultDone = true
        worker.stats.faultsApplied += 1
        s.next = s.sizes.count   // the producer then ends the stream with OK trailers
    }

    /// `corrupt`: message `after` with the wrong size, a skipped index, or a flipped byte.
    func queueCorruptMessage(_ s: inout ServerStream) {
        s.faultDone = true
        worker.stats.faultsApplied += 1
        var bodySize = s.sizes[s.next]
        var flip = false
        switch s.fault!.how ?? .checksum {
        case .size: bodySize = bodySize > 0 ? bodySize - 1 : 1
        case .gap: s.indexOffset = 1
        case .checksum: flip = true
        }
        writeMessage(s, bodySize: bodySize, index: UInt32(s.next) &+ s.indexOffset, flipLastByte: flip)
        s.next += 1
        worker.stats.messagesQueued += 1
    }

    // MARK: Connection aborts

    /// Writes what is buffered, then half a DATA frame, then ends the TCP connection: FIN
    /// (`close`; input is then dropped until the peer closes) or RST (`tcp-reset`).
    func flushAbort() {
        guard var abort = pendingAbort else { return }
        if !abort.frameQueued {
            abort.frameQueued = true
            pendingAbort = abort
            var frame = [UInt8](repeating: 0x78, count: 9 + Self.abortFrameSent)
            let length = Self.abortFrameLength
            frame[0] = UInt8(truncatingIfNeeded: length >> 16)
            frame[1] = UInt8(truncatingIfNeeded: length >> 8)
            frame[2] = UInt8(truncatingIfNeeded: length)
            frame[3] = 0   // DATA
            frame[4] = 0   // no flags
            let id = UInt32(bitPattern: abort.streamID) & 0x7FFF_FFFF
            frame[5] = UInt8(truncatingIfNeeded: id >> 24)
            frame[6] = UInt8(truncatingIfNeeded: id >> 16)
            frame[7] = UInt8(truncatingIfNeeded: id >> 8)
            frame[8] = UInt8(truncatingIfNeeded: id)
            frame.withUnsafeBytes { output.append($0) }
        }
        guard writeOut(), output.readableBytes == 0 else { return }
        if abort.reset {
            socket.setResetOnClose()
            close()
        } else {
            socket.shutdownWrite()
            halfClosed = true
        }
    }

    /// After a `close` fault's FIN: reads and drops input until the peer closes too, so the
    /// close stays a FIN (closing with unread input would send RST).
    func drainAfterFin() {
        let buffer = worker.readBuffer
        for _ in 0..<16 {
            let r: IOResult
            do { r = try socket.read(into: buffer) } catch { close(); return }
            switch r {
            case .bytes(let n): if n < buffer.count { return }
            case .wouldBlock: return
            case .endOfFile: close(); return
            }
        }
    }
}
