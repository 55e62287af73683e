import H2Loop
import H2Wire

/// The embedded HTTP/2 target: `threads` loop threads on one port (SO_REUSEPORT), serving the
/// grpc.testing interop methods and `GET /bytes/<n>` (any method; an upload is read and dropped) (see ``ServerConnection``).
///
/// Threading: `start` binds every listener on the calling thread (so the port is known and
/// errors are thrown before anything runs), then each loop runs on its own thread. `stop`
/// may be called from any thread once; it returns the summed ``ServerStats``.
public final class EmbeddedServer: Sendable {
    /// The bound port.
    public let port: UInt16
    /// The bound address.
    public let host: String
    private let wakers: [LoopWaker]
    private let threads: [WorkerThread<ServerStats>]
    #if DEBUG
    /// Test-only, debug builds only: the stall switch every loop thread watches
    /// (``stallForTesting(nanoseconds:)``).
    private let stall: ServerStall

    private init(host: String, port: UInt16, wakers: [LoopWaker], threads: [WorkerThread<ServerStats>], stall: ServerStall) {
        self.host = host
        self.port = port
        self.wakers = wakers
        self.threads = threads
        self.stall = stall
    }
    #else
    private init(host: String, port: UInt16, wakers: [LoopWaker], threads: [WorkerThread<ServerStats>]) {
        self.host = host
        self.port = port
        self.wakers = wakers
        self.threads = threads
    }
    #endif

    /// Binds and starts the server. Throws when the address cannot be bound.
    public static func start(_ config: EmbeddedServerConfig) throws(EmbeddedServerError) -> EmbeddedServer {
        precondition(config.threads >= 1, "BUG DETECTED: server threads not validated")
        // One TLS context per loop thread, built here so a bad certificate fails before anything runs.
        var tlsContexts: [TLSContext?] = Array(repeating: nil, count: config.threads)
        if let tls = config.tls {
            do {
                for i in 0..<config.threads { tlsContexts[i] = try TLSContext.server(tls) }
            } catch {
                throw .tls(error)
            }
        }
        var listeners: [TCPSocket] = []
        var port = config.port
        do {
            for _ in 0..<config.threads {
                let (sock, bound) = try TCPSocket.listen(host: config.host, port: port, reusePort: config.threads > 1)
                port = bound
                listeners.append(sock)
            }
        } catch {
            for var l in listeners { l.close() }
            throw .listen(error)
        }
        var wakers: [LoopWaker] = []
        var threads: [WorkerThread<ServerStats>] = []
        #if DEBUG
        let stall = ServerStall()
        #endif
        for (i, listener) in listeners.enumerated() {
            let worker: ServerWorker
            do {
                worker = try ServerWorker(listener: listener, settings: config.settings, tlsContext: tlsContexts[i])
            } catch {
                for var l in listeners[i...] { l.close() }
                for w in wakers { w.requestStop() }
                for t in threads { _ = t.join() }
                throw .listen(error)
            }
            #if DEBUG
            worker.stall = stall
            #endif
            wakers.append(worker.loop.waker)
            let box = UncheckedTransfer(worker)
            threads.append(WorkerThread.spawn(name: "h2s-server-\(i)") { box.value.run() })
        }
        #if DEBUG
        return EmbeddedServer(host: config.host, port: port, wakers: wakers, threads: threads, stall: stall)
        #else
        return EmbeddedServer(host: config.host, port: port, wakers: wakers, threads: threads)
        #endif
    }

    #if DEBUG
    /// Test-only, debug builds only: every server loop thread busy-waits until `nanoseconds`
    /// from now, starting at its next socket event or timer (a thread with nothing to do does
    /// not notice the stall — nor would a client). Injects a server stall of known length, e.g.
    /// to show that open-loop latencies count it. Callable from any thread.
    public func stallForTesting(nanoseconds: UInt64) {
        stall.request(until: MonotonicClock.now() &+ nanoseconds)
    }
    #endif

    /// Stops every loop, closes every connection and returns what the server did.
    public func stop() -> ServerStats {
        for w in wakers { w.requestStop() }
        var total = ServerStats()
        for t in threads { total.add(t.join()) }
        return total
    }
}

/// Moves a non-Sendable value to the one thread that will own it from now on.
struct UncheckedTransfer<T>: @unchecked Sendable {
    // @unchecked Sendable: used only to hand a freshly built worker to its thread at spawn;
    // the spawning thread never touches it again.
    let value: T
    init(_ value: T) { self.value = value }
}
