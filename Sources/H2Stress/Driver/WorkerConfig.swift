import H2Loop
import H2Wire

/// Everything one driver worker thread needs, as a value handed to it at spawn.
public struct WorkerConfig: Sendable {
    /// Worker index (0-based) within the cell.
    public var index: Int
    /// Numeric target address and port (loopback in tests).
    public var host: String
    public var port: UInt16
    /// `:authority` sent with each request.
    public var authority: String
    /// Connections this worker owns.
    public var connections: Int
    /// Index of this worker's first connection within the cell (for failure records).
    public var firstConnectionIndex: Int
    /// Concurrent streams to keep open per connection (capped by the peer's SETTINGS_MAX_CONCURRENT_STREAMS).
    public var streamsPerConnection: Int
    /// One plan per mix entry, and the mix weights (same order).
    public var plans: [StreamPlan]
    public var weights: [Int]
    /// HTTP/2 settings the driver announces.
    public var settings: HTTP2Settings
    /// Monotonic ns: streams started at or after this are measured (end of warm-up).
    public var measureStart: UInt64
    /// Monotonic ns: the cell ends here; streams still open then are `unfinished`.
    public var measureEnd: UInt64
    /// When set, the worker starts at most this many measured streams and ends once they are all done.
    public var streamQuota: Int?
    /// Seed for this worker's mix choices.
    public var seed: UInt64
    /// Ask for kernel receive timestamps on every socket.
    public var rxTimestamps: Bool
    /// When the driver returns receive-window credit (on-receive: nghttp2 automatically).
    public var windowUpdate: WindowUpdatePolicy = .onReceive
    /// Under on-consume: what a consumer waiting on a partly received message credits.
    public var pendingMessageCredit: PendingMessageCredit = .grant
    /// Per-stream deadline in ns (nil: none); expiry sends RST_STREAM(CANCEL), outcome `deadline`.
    public var deadline: UInt64?
    /// A connect (TCP, then the TLS handshake when ``tls`` is set) that has not completed after
    /// this many ns fails (and is retried).
    public var connectTimeout: UInt64 = 5_000_000_000
    /// TLS to the target (`https://`); nil: cleartext HTTP/2 with prior knowledge.
    public var tls: TLSClientConfig?
    /// Keepalive PING interval and ACK timeout in ns (nil: no keepalive).
    public var keepalive: (interval: UInt64, timeout: UInt64)?
    /// Slow-consumer shares (seeded draw per stream).
    public var consumers: [ConsumerSpec] = []
    /// Fault shares (seeded draw per stream, independent of the mix and consumer draws).
    public var faults: [FaultSpec] = []
    /// Open-loop mode: streams this worker starts per second on a fixed schedule (nil: closed loop).
    public var rate: Double?
    /// Offset of this worker's first intended start (ns), so workers interleave their schedules.
    public var rateOffset: UInt64 = 0
    /// Record a frame trace per connection (dumped for abnormal streams). On by default; the
    /// benchmark turns it off to measure its cost.
    public var frameTrace = true
    /// Test-only hook: the worker spins this many ns before the first read of every wake, to
    /// prove that `wakePoll` measures how long ready data waits for its thread. 0 in real runs.
    public var holdBeforeReadForTesting: UInt64 = 0

    public init(index: Int, host: String, port: UInt16, authority: String, connections: Int, firstConnectionIndex: Int,
                streamsPerConnection: Int, plans: [StreamPlan], weights: [Int], settings: HTTP2Settings,
                measureStart: UInt64, measureEnd: UInt64, streamQuota: Int?, seed: UInt64, rxTimestamps: Bool) {
        self.index = index
        self.host = host
        self.port = port
        self.authority = authority
        self.connections = connections
        self.firstConnectionIndex = firstConnectionIndex
        self.streamsPerConnection = streamsPerConnection
        self.plans = plans
        self.weights = weights
        self.settings = settings
        self.measureStart = measureStart
        self.measureEnd = measureEnd
        self.streamQuota = streamQuota
        self.seed = seed
        self.rxTimestamps = rxTimestamps
    }
}
