import H2Loop
import H2Wire

// ClientConnection's timers: the token layout (kind, connection generation, stream id) and
// what each kind does when it fires — keepalive PINGs and their timeout, the connect (and TLS
// handshake, and the server's SETTINGS) timeout, stream deadlines, consumer wake-ups.

extension ClientConnection: TimerHandler {
    // MARK: Timers

    /// Keepalive: stream 0 is the interval tick, stream 1 the PING's ACK timeout.
    static let keepaliveKind: UInt64 = 0
    static let connectTimeoutKind: UInt64 = 1
    static let deadlineKind: UInt64 = 2
    static let consumerKind: UInt64 = 3

    /// `kind` in the top 2 bits, the low 30 bits of `generation` next, the stream id below.
    func timerToken(_ kind: UInt64, stream: Int32) -> UInt64 {
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
            } else if state == .open && !peerSettingsReceived {
                // Connected (and TLS done), but the server never spoke HTTP/2: its SETTINGS frame
                // must come first, within the same budget as the connect.
                fail(reason: notHTTP2Cause ?? "connected, but the server sent no HTTP/2 SETTINGS frame within \(worker.config.connectTimeout / 1_000_000) ms "
                     + "of the connect (client.connectTimeout); is it an HTTP/2 server that accepts h2c with prior knowledge (or TLS with ALPN h2)?")
            }
        case Self.deadlineKind:
            guard state == .open, slotByID[id] != nil else { return }
            session?.resetStream(id, errorCode: .cancel)
            let (dumps, recorded, open) = (worker.measurements.frameTraces.count, trace.recorded, generation)
            finish(id, closure: .deadline)
            afterIO()
            // The RST_STREAM went out with that flush, after the stream's dump was taken: add it there.
            if generation == open, dumps < worker.measurements.frameTraces.count,
               worker.measurements.frameTraces[dumps].streamID == id, worker.measurements.frameTraces[dumps].connection == index {
                worker.measurements.frameTraces[dumps].appendFramesSentForOutcome(trace.entries(since: recorded, stream: id))
            }
        case Self.consumerKind:
            guard state == .open, slotByID[id] != nil else { return }
            withStream(id) { runConsumer($0, now: MonotonicClock.now()) }
            afterIO()
        default:
            break
        }
    }
}
