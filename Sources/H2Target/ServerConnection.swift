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
    var closed = false
    private var wantsWritable = false
    /// Streams in a stream-window stall episode, with its start (monotonic ns).
    var stalledStreams: [Int32: UInt64] = [:]
    /// Start of the current connection-window stall episode (0 = none).
    var connectionStallSince: UInt64 = 0
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
        #if DEBUG
        worker.honourStallForTesting()
        #endif
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
}
