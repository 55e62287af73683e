import H2Loop
import H2Wire

/// The nghttp2 callbacks of a server connection: request headers, bodies and ends, stream
/// closes and frames; and the accounting of flow-control stalls they drive.
extension ServerConnection {
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
            session.resetStream(stream, errorCode: .refusedStream)
            worker.stats.faultsApplied += 1
            return
        }
        streams[stream] = s
    }

    static func route(method: String, path: String, grpc: Bool) -> ServerStream.Route {
        if method == "POST" && path == "/grpc.testing.TestService/StreamingOutputCall" { return .streamingOutput }
        if method == "POST" && path == "/grpc.testing.TestService/UnaryCall" { return .unary }
        // Any method: a POST or PUT body is read and dropped, so uploads can be load-tested too.
        if path.hasPrefix("/bytes/"), let n = Int(path.dropFirst(7)), n >= 0 {
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
        if case .bytes = streams[stream]!.route { return }   // an upload to /bytes/<n> is dropped, not kept
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
                session.resetStream(stream, errorCode: .internalError)
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

    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode) {
        endStreamStall(stream, now: MonotonicClock.now())
        if let s = streams.removeValue(forKey: stream), s.finished, !s.deadlineExpired, errorCode == .noError {
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
    func checkStall(_ stream: Int32) {
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
}
