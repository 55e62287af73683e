import H2Loop
import H2Wire

// ClientConnection's I/O: socket readiness events, the one read loop and the one flush that
// serve h2c and TLS alike (through ClientTransport), and the tail of every wake.

extension ClientConnection: EventHandler {
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
    func afterIO() {
        fillStreams()
        flush()
        if state == .open, goaway != nil, openStreams == 0, let session, !session.wantsWrite {
            closeSocket()
            worker.connectionRetired(self)
        }
    }

    /// ` in the middle of a DATA frame on stream 1 (…)` when the input ended inside a frame.
    var midFrame: String {
        session?.frameInProgress.map { " in the middle of \($0)" } ?? ""
    }

    /// Reads until the socket would block (bounded per wake for fairness). Returns false when
    /// the connection ended. One loop for h2c and TLS: each socket read (h2c: into the
    /// worker's read buffer; TLS: ciphertext into the TLS ring, with the kernel RX timestamp
    /// of the encrypted bytes) is followed by handing its plaintext (TLS: decrypted into the
    /// read buffer) to nghttp2 until the transport needs input again. Under TLS that also runs
    /// when the read would block: records may already wait in the ring.
    func readAvailable() -> Bool {
        let buffer = worker.readBuffer
        #if DEBUG
        worker.holdBeforeReadForTesting()
        #endif
        var firstRead = true
        for _ in 0..<16 {
            let result: IOResult
            var rx: UInt64 = 0
            do {
                result = try transport.receive(into: buffer, control: worker.controlBuffer, rxTimestamp: &rx)
            } catch {
                fail(reason: error.reason + midFrame)
                return false
            }
            if case .bytes = result {
                noteRead(rxTimestamp: rx, firstOfWake: firstRead)
                firstRead = false
            }
            plaintext: while true {
                let plain: TLSSession.DecryptResult
                do {
                    plain = try transport.plaintext(into: buffer)
                } catch {
                    fail(reason: error.reason)
                    return false
                }
                switch plain {
                case .bytes(let n):
                    guard deliver(buffer, count: n) else { return false }
                case .needsInput:
                    break plaintext
                case .closed:
                    fail(reason: "peer ended the TLS session (close_notify)")
                    return false
                }
            }
            switch result {
            case .bytes:
                if transport.lastReceiveWasShort { return true }
            case .wouldBlock:
                return true
            case .endOfFile:
                fail(reason: "peer closed the connection (EOF)" + midFrame)
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
        let realNow = MonotonicClock.realtimeNanoseconds()
        realtimeOffset = realNow &- frameClock
        worker.readCompleted(rxTimestamp: rxTimestamp, firstOfWake: firstOfWake, realNow: realNow)
        currentRxTimestamp = rxTimestamp
    }

    /// Hands `count` plaintext bytes to nghttp2; false when the connection ended.
    @inline(__always)
    private func deliver(_ buffer: UnsafeMutableRawBufferPointer, count: Int) -> Bool {
        if !peerSettingsReceived && firstBytes.count < Self.firstBytesKept {
            firstBytes.append(contentsOf: buffer[0..<min(count, Self.firstBytesKept - firstBytes.count)])
        }
        defer { streamClockID = 0 }
        do {
            try session!.receive(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        } catch {
            // nghttp2 refuses to go on with this peer (a flood, too many CONTINUATION frames, …).
            fail(reason: "the server broke HTTP/2 (\(error)); the client ended the connection")
            return false
        }
        if state != .open { return false }
        if violationPending {
            // The peer broke HTTP/2: send nghttp2's answer now (RST_STREAM, or GOAWAY, after
            // which the flush ends the connection with the cause).
            violationPending = false
            flush()
            if state != .open { return false }
        }
        trackConnectionWindow()
        return true
    }

    /// Takes what nghttp2 has to send and writes it out (h2c and TLS alike, through
    /// ``ClientTransport/write(_:)``); waits for writability when the socket is full.
    func flush() {
        guard let session, state == .open else { return }
        frameClock = MonotonicClock.now()
        do {
            _ = try session.drainOutput(into: &output)
        } catch {
            fail(reason: "HTTP/2 session error: \(error)")
            return
        }
        let drained: Bool
        do {
            drained = try transport.write(&output)
        } catch {
            fail(reason: error.reason)
            return
        }
        if goawaySent != nil, !session.wantsRead {
            // This client ended the connection (GOAWAY with an error code is out): close it now,
            // naming the rule the peer broke, rather than wait for the peer to hang up.
            fail(reason: clientEndedCause ?? "the client ended the connection")
            return
        }
        setWritable(!drained)
    }

    func setWritable(_ on: Bool) {
        guard on != wantsWritable, let reg = registration else { return }
        wantsWritable = on
        worker.loop.setInterest(reg, on ? [.readable, .writable] : .readable)
    }
}
