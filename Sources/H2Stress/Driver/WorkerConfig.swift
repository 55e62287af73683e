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
