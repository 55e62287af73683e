import H2Loop
import H2Wire

/// Everything one driver worker thread needs, as a value handed to it at spawn: the cell's
/// shared ``Driver/Options`` (read through dynamic member lookup, so every knob is declared
/// once) plus what differs per worker.
@dynamicMemberLookup
public struct WorkerConfig: Sendable {
    /// The cell's options, shared by every worker.
    public var options: Driver.Options
    /// Worker index (0-based) within the cell.
    public var index: Int
    /// Numeric target address and port (loopback in tests).
    public var host: String
    public var port: UInt16
    /// `:authority` sent with each request.
    public var authority: String
    /// Connections this worker owns (its share of `options.connections`).
    public var connections: Int
    /// Index of this worker's first connection within the cell (for failure records).
    public var firstConnectionIndex: Int
    /// Monotonic ns: streams started at or after this are measured (end of warm-up).
    public var measureStart: UInt64
    /// Monotonic ns: the cell ends here; streams still open then are `unfinished`.
    public var measureEnd: UInt64
    /// This worker's share of `options.totalStreams`: it starts at most this many measured
    /// streams and ends once they are all done.
    public var streamQuota: Int?
    /// Seed for this worker's mix, consumer and fault draws.
    public var seed: UInt64
    /// Open-loop mode: this worker's share of `options.rate`, streams per second (nil: closed loop).
    public var rate: Double?
    /// Offset of this worker's first intended start (ns), so workers interleave their schedules.
    public var rateOffset: UInt64 = 0

    /// Reads a shared knob (`config.deadline`, `config.consumers`, …) from ``options``.
    public subscript<T>(dynamicMember keyPath: KeyPath<Driver.Options, T>) -> T {
        options[keyPath: keyPath]
    }

    public init(options: Driver.Options, index: Int, host: String, port: UInt16, authority: String, connections: Int,
                firstConnectionIndex: Int, measureStart: UInt64, measureEnd: UInt64, streamQuota: Int?, seed: UInt64) {
        self.options = options
        self.index = index
        self.host = host
        self.port = port
        self.authority = authority
        self.connections = connections
        self.firstConnectionIndex = firstConnectionIndex
        self.measureStart = measureStart
        self.measureEnd = measureEnd
        self.streamQuota = streamQuota
        self.seed = seed
    }
}
