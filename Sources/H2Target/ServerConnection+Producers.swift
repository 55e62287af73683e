import H2Loop
import H2Wire

/// What a server connection sends: gRPC messages and plain bodies produced as the peer's
/// windows allow, paced by timers (intervals, stalls, delays, deadlines).
extension ServerConnection {
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

    func topUpProducers() {
        guard !producing.isEmpty else { return }
        for id in Array(producing) {
            guard var s = streams[id], session.queuedBytes(stream: id) < Self.lowWater else { continue }
            if case .bytes = s.route { produceBytes(&s) } else { scheduleOrProduce(&s) }
            streams[id] = s
        }
    }

    // MARK: Timers

    func timerFired(token: UInt64, loop: EventLoop) {
        #if DEBUG
        worker.honourStallForTesting()
        #endif
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
