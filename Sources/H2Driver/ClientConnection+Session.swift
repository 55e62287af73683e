import H2Loop
import H2Wire

// ClientConnection's nghttp2 glue: the ClientSessionDelegate callbacks (response headers,
// DATA, stream end and close, RST_STREAM, GOAWAY, frame events), all called from inside
// nghttp2_session_mem_recv or the session's output drain. These are the per-frame and
// per-DATA-chunk hot path.

extension ClientConnection: ClientSessionDelegate {
    // MARK: ClientSessionDelegate (called from inside nghttp2_session_mem_recv)

    func responseHeader(stream: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, isTrailer: Bool) {
        // Most response headers (`server`, `date`, …) mean nothing to the verdict: skip them
        // before the stream lookup (≈ 100 instructions each on 100-byte streams, by callgrind).
        guard let field = StreamVerifier.readHeader(named: name) else { return }
        withStream(stream) { $0.verifier.header(field, value: value, isTrailer: isTrailer) }
    }

    func responseHeadersComplete(stream: Int32, isTrailer: Bool, endStream: Bool) {
        withStream(stream) { s in
            s.verifier.headersComplete(isTrailer: isTrailer, endStream: endStream)
            guard s.headersTime == 0 else { return }
            let now = MonotonicClock.now()
            streamClock = now
            streamClockID = stream
            s.headersTime = now
            if s.measured {
                withWorker { $0.measurements.ttfb.record(nanoseconds: now &- s.startTime) }
            }
        }
    }

    func responseData(stream: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool) {
        withWorker { worker in
            let measuring = worker.isMeasuring
            if measuring { worker.dataReceived(bytes: bytes.count) }
            // Connection credit on receipt, whatever happens to the stream (grpc-go's transport).
            if consumesConnectionOnReceipt { session?.consumeConnection(bytes: bytes.count) }
            withStream(stream) { s in
                dataChunk(bytes, on: s, worker: worker, measuring: measuring)
            }
        }
    }

    /// One DATA chunk of stream `s`: its consumer, the verifier and the message figures.
    @inline(__always)
    private func dataChunk(_ bytes: UnsafeRawBufferPointer, on s: ActiveStream, worker m: DriverWorker, measuring: Bool) {
        s.consumer?.received(bytes: bytes.count)
        var messages = 0
        var now: UInt64 = 0
        let rx = currentRxTimestamp
        if s.verifier.plan.framing == .http {
            // A plain HTTP body is counted and handed to its consumer chunk by chunk (no
            // message callback to set up: this is the per-chunk path of large downloads).
            s.verifier.httpData(count: bytes.count)
            s.consumer?.completed(wireBytes: bytes.count)
            if measuring && rx != 0 {
                now = MonotonicClock.now()
                let real = now &+ realtimeOffset
                if real > rx { m.measurements.wakeDispatch.record(nanoseconds: real &- rx) }
            }
        } else {
            var realNow: UInt64 = 0
            s.verifier.data(bytes) { length, sendTime in
                if messages == 0 {
                    now = MonotonicClock.now()
                    realNow = now &+ realtimeOffset
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
        }
        if now != 0 {
            streamClock = now
            streamClockID = s.id
        }
        if messages > 0 {
            s.lastMessageTime = now
            if measuring { m.messagesReceived(messages) }
        }
        if s.consumer != nil { runConsumer(s, now: messages > 0 ? now : MonotonicClock.now()) }
        // Below its floor the stream's window is certainly open: no nghttp2 lookup per chunk.
        if s.verifier.bytesReceived >= s.windowFloor { trackStreamWindow(s, now: messages > 0 ? now : 0) }
    }

    func streamEnded(stream: Int32) {
        withStream(stream) { $0.verifier.endStream() }
    }

    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode) {
        guard let (resetByPeer, startTime) = withStream(stream, { ($0.resetByPeer, $0.startTime) }) else { return }
        let closure: StreamClosure
        if let g = goaway, stream > g.lastStreamID {
            closure = .goaway(lastStreamID: g.lastStreamID, errorCode: g.errorCode)
        } else if errorCode == .cancel, resetByPeer, let deadline = worker.config.deadline,
                  MonotonicClock.now() >= startTime &+ deadline {
            // The server's copy of the deadline (grpc-timeout) fired before ours: same outcome.
            closure = .serverDeadline(errorCode: errorCode)
        } else if errorCode != .noError, !resetByPeer, let violation = peerViolation {
            // nghttp2 closed the stream because the server broke HTTP/2: on the whole
            // connection (GOAWAY sent), or on this stream only (RST_STREAM sent).
            if let cause = clientEndedCause {
                closure = .connectionLost(reason: cause)
            } else {
                closure = .resetByClient(errorCode: errorCode, reason: violation)
                peerViolation = nil
            }
        } else {
            closure = .closed(errorCode: errorCode, resetByPeer: resetByPeer)
        }
        finish(stream, closure: closure)
    }

    func resetReceived(stream: Int32, errorCode: HTTP2ErrorCode) {
        withStream(stream) { $0.resetByPeer = true }
    }

    func goawayReceived(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debug: UnsafeRawBufferPointer) {
        goaway = (lastStreamID, errorCode)
    }

    func frame(_ event: FrameEvent) {
        if event.streamID != streamClockID { streamClockID = 0 }
        if tracesFrames {
            let entry = trace.record(event, time: frameClock, connectionWindow: Int(event.connectionWindow),
                                     streamWindow: Int(event.streamWindow))
            if event.streamID != 0 { withStream(event.streamID) { $0.frameTail.record(entry) } }
        }
        if event.direction == .received && event.type == FrameEvent.Kind.settings {
            if event.flags & FrameEvent.Flag.ack == 0 {
                peerSettingsReceived = true
            } else {
                streamWindowFloor = worker.config.settings.initialWindowSize
            }
        } else if event.direction == .received && event.type == FrameEvent.Kind.ping && event.flags & FrameEvent.Flag.ack != 0 {
            pingSentAt = 0
        } else if event.direction == .sent && event.type == FrameEvent.Kind.windowUpdate {
            worker.windowUpdateSent(increment: Int(event.windowIncrement))
        } else if event.direction == .sent && event.type == FrameEvent.Kind.goaway && event.errorCode != .noError {
            goawaySent = event.errorCode
        }
    }

    func sessionError(_ message: String) {
        if peerViolation == nil { peerViolation = message }
        violationPending = true
    }
}
