import H2Loop

/// One scraper's connection: read the request head (bounded), write one response, send FIN,
/// read and drop until the client closes (so the response is not cut by a reset), close.
///
/// Threading: loop thread only (``MetricsServerLoop``'s).
final class MetricsConnection: EventHandler {
    private enum Phase {
        case reading
        case writing
        case draining
        case closed
    }

    private var socket: TCPSocket
    private let serial: UInt64
    private unowned let server: MetricsServerLoop
    private var registration: Registration?
    private var phase = Phase.reading
    private var received: [UInt8] = []
    private var output: [UInt8] = []
    private var written = 0

    init(socket: TCPSocket, serial: UInt64, server: MetricsServerLoop) {
        self.socket = socket
        self.serial = serial
        self.server = server
    }

    func register(on loop: EventLoop) throws(SystemError) {
        registration = try loop.register(fd: socket.fd, interest: .readable, handler: self)
    }

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        switch phase {
        case .reading:
            read(loop)
        case .writing:
            if events.contains(.writable) { write(loop) } else if events.contains(.hangup) { close() }
        case .draining:
            drain()
        case .closed:
            return
        }
    }

    private func read(_ loop: EventLoop) {
        while phase == .reading, let n = readSome() {
            let room = MetricsRequest.maxHeadBytes - received.count
            received.append(contentsOf: UnsafeRawBufferPointer(rebasing: server.readBuffer[..<min(n, room)]))
            let request = MetricsRequest.parse(received)
            guard request != .incomplete else { continue }
            received = []
            output = server.response(for: request)
            phase = .writing
            write(loop)
        }
    }

    private func write(_ loop: EventLoop) {
        while written < output.count {
            let result: IOResult
            do {
                result = try output.withUnsafeBytes { all throws(SystemError) in
                    try socket.write(UnsafeRawBufferPointer(rebasing: all[written...]))
                }
            } catch {
                close()
                return
            }
            switch result {
            case .bytes(let n):
                written += n
            case .wouldBlock, .endOfFile:
                // Writable only: a client that keeps sending without reading must not wake the
                // loop over and over (level-triggered) while the response waits for room.
                if let registration { loop.setInterest(registration, .writable) }
                return
            }
        }
        output = []
        socket.shutdownWrite()
        phase = .draining
        if let registration { loop.setInterest(registration, .readable) }
        drain()
    }

    /// After the response: read and drop until the client's EOF, then close.
    private func drain() {
        while readSome() != nil {}
    }

    /// One read into the server's buffer: the byte count, or nil when there is nothing more
    /// for now (would block) or the connection is over (EOF or an error: it is closed here).
    private func readSome() -> Int? {
        let result: IOResult
        do {
            result = try socket.read(into: server.readBuffer)
        } catch {
            close()
            return nil
        }
        switch result {
        case .wouldBlock:
            return nil
        case .endOfFile:
            close()
            return nil
        case .bytes(let n):
            return n
        }
    }

    /// Deregisters and closes the socket; the server forgets the connection.
    func close() {
        guard phase != .closed else { return }
        phase = .closed
        if let registration { server.loop.deregister(registration) }
        registration = nil
        socket.close()
        server.connectionClosed(serial)
    }
}
