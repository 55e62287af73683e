/// The figures `h2stress bench` holds the driver to, printed as "met" or "MISSED" under the
/// table. They are data: the defaults below are the project's goals (BENCHMARKS.md), and
/// `bench --goals FILE` reads another set from JSON (any key left out keeps its default).
public struct BenchGoals: Sendable, Codable, Equatable {
    /// Client CPU per stream, h2stress ÷ h2load, at most (small-stream scenarios: `100b`, `unary`).
    public var cpuRatio = 1.0
    /// Client CPU-s per GB, h2stress ÷ h2load, at most (large bodies: `64k`, `1m`).
    public var largeBodyCPURatio = 0.75
    /// CPU per stream with 2 client threads ÷ with 1, at most (`threads`).
    public var threadScaling = 1.10
    /// The stricter small-stream ratio the project aims at next (reported as "later goal … met").
    public var laterCPURatio = 0.8
    /// MB/s on 64 KiB bodies with one driver thread, at least.
    public var megabytesPerSecond64k = 1500.0
    /// Driver peak RSS holding 10,000 concurrent streams, at most (bytes).
    public var manyStreamsRSSBytes = 256_000_000
    /// Measurement overhead (stamps, timestamps, traces on ÷ off − 1 of CPU-s/GB), at most.
    public var measurementOverhead = 0.05
    /// Idle wakePoll p50, at most (µs).
    public var idleWakeP50Microseconds = 20.0
    /// Soak: RSS at the end ÷ RSS once settled − 1, at most.
    public var soakRSSDrift = 0.05

    public init() {}

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = BenchGoals()
        cpuRatio = try c.decodeIfPresent(Double.self, forKey: .cpuRatio) ?? d.cpuRatio
        largeBodyCPURatio = try c.decodeIfPresent(Double.self, forKey: .largeBodyCPURatio) ?? d.largeBodyCPURatio
        threadScaling = try c.decodeIfPresent(Double.self, forKey: .threadScaling) ?? d.threadScaling
        laterCPURatio = try c.decodeIfPresent(Double.self, forKey: .laterCPURatio) ?? d.laterCPURatio
        megabytesPerSecond64k = try c.decodeIfPresent(Double.self, forKey: .megabytesPerSecond64k) ?? d.megabytesPerSecond64k
        manyStreamsRSSBytes = try c.decodeIfPresent(Int.self, forKey: .manyStreamsRSSBytes) ?? d.manyStreamsRSSBytes
        measurementOverhead = try c.decodeIfPresent(Double.self, forKey: .measurementOverhead) ?? d.measurementOverhead
        idleWakeP50Microseconds = try c.decodeIfPresent(Double.self, forKey: .idleWakeP50Microseconds) ?? d.idleWakeP50Microseconds
        soakRSSDrift = try c.decodeIfPresent(Double.self, forKey: .soakRSSDrift) ?? d.soakRSSDrift
    }

    /// The CPU ratio goal of a scenario: ``cpuRatio`` for small streams, else ``largeBodyCPURatio``.
    public func cpuRatio(smallStreams: Bool) -> Double { smallStreams ? cpuRatio : largeBodyCPURatio }
}
