import H2Loop
import H2Wire

/// One embedded-server loop thread: its listener and the connections it accepted.
///
/// Threading: built on the starting thread, then owned by its loop thread only.
final class ServerWorker: EventHandler {
    let loop: EventLoop
    let settings: HTTP2Settings
    /// TLS server context for this thread's connections (nil: h2c).
    let tlsContext: TLSContext?
    private var listener: TCPSocket
    private var connections: [ObjectIdentifier: ServerConnection] = [:]
    var stats = ServerStats()
    /// One read buffer shared by this thread's connections (each read is fully consumed first).
    let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)
    /// Safety bound: a server loop never runs longer than this without being stopped.
    static let maxLifetime: UInt64 = 24 * 3600 * 1_000_000_000

    #if DEBUG
    /// Test-only, debug builds only: the stall switch shared by the server's threads (set by
    /// ``EmbeddedServer/start(_:)`` before the thread starts), and the last deadline this
    /// thread served.
    var stall: ServerStall?
    private var stallHonoured: UInt64 = 0
    #endif

    init(listener: TCPSocket, settings: HTTP2Settings, tlsContext: TLSContext? = nil) throws(SystemError) {
        self.listener = listener
        self.settings = settings
        self.tlsContext = tlsContext
        self.loop = try EventLoop()
    }

    deinit { readBuffer.deallocate() }

    func run() -> ServerStats {
        do {
            _ = try loop.register(fd: listener.fd, interest: .readable, handler: self)
        } catch {
            listener.close()
            return stats
        }
        loop.run(until: MonotonicClock.now() + Self.maxLifetime)
        for conn in Array(connections.values) { conn.close() }
        loop.releaseAll()
        listener.close()
        return stats
    }

    #if DEBUG
    /// Spins through a pending test-only stall (see ``EmbeddedServer/stallForTesting(nanoseconds:)``);
    /// called at the top of every event and timer handler of this thread. Debug builds only,
    /// like its call sites.
    @inline(__always)
    func honourStallForTesting() {
        stall?.honour(&stallHonoured)
    }
    #endif

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        #if DEBUG
        honourStallForTesting()
        #endif
        while true {
            let accepted: TCPSocket?
            do {
                accepted = try listener.accept()
            } catch {
                return   // e.g. EMFILE: try again on the next readiness event
            }
            guard let sock = accepted else { return }
            do {
                let conn = try ServerConnection(worker: self, socket: sock)
                connections[ObjectIdentifier(conn)] = conn
                stats.connectionsAccepted += 1
                conn.start()
            } catch {
                var s = sock
                s.close()
            }
        }
    }

    func connectionClosed(_ conn: ServerConnection) {
        connections.removeValue(forKey: ObjectIdentifier(conn))
    }
}
