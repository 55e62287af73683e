import H2Loop
import Synchronization

/// The `/metrics` HTTP/1.1 endpoint of `run --metrics`: one thread of its own running an
/// ``H2Loop/EventLoop`` that answers scrapes with the exposition `RunMetrics` renders.
///
/// Threading: ``start(_:exposition:)`` binds on the calling thread (so a bad address fails
/// before anything runs and the port is known), then the loop runs on its own thread and owns
/// every connection. `exposition` is called on that thread. ``stop()`` may be called from any thread.
public final class MetricsServer: Sendable {
    /// The address it listens on, as given.
    public let address: MetricsAddress
    /// The bound port (the system's pick when ``address`` asked for 0).
    public let port: UInt16
    private let waker: LoopWaker
    private let thread: WorkerThread<Void>
    private let stopped = Atomic<Bool>(false)

    /// How long one connection may take to send its request and read the answer: 10 s.
    public static let defaultConnectionLifetime: UInt64 = 10_000_000_000

    private init(address: MetricsAddress, port: UInt16, waker: LoopWaker, thread: WorkerThread<Void>) {
        self.address = address
        self.port = port
        self.waker = waker
        self.thread = thread
    }

    /// `http://host:port/metrics` with the bound port.
    public var url: String {
        let host = address.host.contains(":") ? "[\(address.host)]" : address.host
        return "http://\(host):\(port)\(MetricsResponse.path)"
    }

    /// Listens on `address` and starts serving. Throws ``MetricsError`` when the address is not
    /// usable (does not resolve, in use, not local). `connectionLifetime` (ns) bounds how long one
    /// connection may stay open (tests shorten it).
    public static func start(_ address: MetricsAddress, connectionLifetime: UInt64 = defaultConnectionLifetime,
                             exposition: @escaping @Sendable () -> [UInt8]) throws(MetricsError) -> MetricsServer {
        let numeric = try address.numericHost()
        let listener: TCPSocket
        let port: UInt16
        do {
            (listener, port) = try TCPSocket.listen(host: numeric, port: address.port, backlog: 64)
        } catch {
            throw .cannotListen(address.description, reason: "\(error)")
        }
        let loop: MetricsServerLoop
        do {
            loop = try MetricsServerLoop(listener: listener, lifetime: connectionLifetime, exposition: exposition)
        } catch {
            var l = listener
            l.close()
            throw .cannotListen(address.description, reason: "\(error)")
        }
        let waker = loop.loop.waker
        let handoff = UncheckedTransfer(loop)
        let thread = WorkerThread.spawn(name: "h2s-metrics") { handoff.value.run() }
        return MetricsServer(address: address, port: port, waker: waker, thread: thread)
    }

    /// Stops serving: closes the listener and every connection, and joins the thread. Later calls do nothing.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        waker.requestStop()
        thread.join()
    }
}

/// Moves a non-Sendable value to the one thread that will own it from now on.
struct UncheckedTransfer<T>: @unchecked Sendable {
    // @unchecked Sendable: used only to hand a freshly built loop to its thread at spawn;
    // the spawning thread never touches it again.
    let value: T
    init(_ value: T) { self.value = value }
}
