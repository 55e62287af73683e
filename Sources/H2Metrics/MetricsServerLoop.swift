import H2Loop

/// The metrics endpoint's loop thread: accepts scrapers, hands each connection's bytes to
/// ``MetricsRequest`` and writes ``MetricsResponse``.
///
/// Threading: built on the starting thread, then owned by the metrics thread alone (loop thread only).
/// Invariants (bounds against a hostile client): at most ``maxConnections`` connections (more are
/// closed at accept); a connection holds at most ``MetricsRequest/maxHeadBytes`` of request and
/// lives at most ``lifetime`` ns (default ``MetricsServer/defaultConnectionLifetime``); every response closes the connection.
final class MetricsServerLoop: EventHandler, TimerHandler {
    /// Connections served at once; a scraper needs one.
    static let maxConnections = 32
    /// How long the loop runs when nobody stops it (every loop has a deadline): 30 days.
    static let maxLifetime: UInt64 = 30 * 86_400 * 1_000_000_000

    let loop: EventLoop
    private let lifetime: UInt64
    private var listener: TCPSocket
    private let exposition: () -> [UInt8]
    private var connections: [UInt64: MetricsConnection] = [:]   // loop thread only; by serial
    private var nextSerial: UInt64 = 0                             // loop thread only
    /// One read buffer for every connection (each read is consumed before the next).
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 16)

    init(listener: TCPSocket, lifetime: UInt64, exposition: @escaping () -> [UInt8]) throws(SystemError) {
        self.listener = listener
        self.lifetime = lifetime
        self.exposition = exposition
        self.loop = try EventLoop()
    }

    deinit { readBuffer.deallocate() }

    /// Serves until the waker's stop; then closes everything.
    func run() {
        do {
            _ = try loop.register(fd: listener.fd, interest: .readable, handler: self)
            loop.run(until: MonotonicClock.now() &+ Self.maxLifetime)
        } catch {
            // Registration of a fresh listener cannot fail short of running out of memory;
            // the endpoint then stays silent and the run goes on.
        }
        for connection in Array(connections.values) { connection.close() }
        connections.removeAll()
        loop.releaseAll()
        listener.close()
    }

    /// The listener is readable (loop thread).: accept every pending connection.
    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        while true {
            let accepted: TCPSocket?
            do {
                accepted = try listener.accept()
            } catch {
                return   // EMFILE and the like: try again on the next wake
            }
            guard var socket = accepted else { return }
            guard connections.count < Self.maxConnections else {
                socket.close()
                continue
            }
            nextSerial &+= 1
            let connection = MetricsConnection(socket: socket, serial: nextSerial, server: self)
            do {
                try connection.register(on: loop)
            } catch {
                socket.close()
                continue
            }
            connections[nextSerial] = connection
            loop.schedule(at: MonotonicClock.now() &+ lifetime, handler: self, token: nextSerial)
        }
    }

    /// A connection's lifetime is over: close it if it is still open (loop thread).
    func timerFired(token: UInt64, loop: EventLoop) {
        connections[token]?.close()
    }

    /// The response bytes for a complete request.
    func response(for request: MetricsRequest) -> [UInt8] {
        MetricsResponse.bytes(for: request, exposition: exposition)
    }

    /// A connection closed itself.
    func connectionClosed(_ serial: UInt64) {
        connections[serial] = nil
    }
}
