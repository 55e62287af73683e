/// Summary of one latency distribution, in microseconds (3 decimals, i.e. nanosecond resolution).
///
/// An empty distribution summarises as ``count`` 0 and every figure 0; readers must check
/// ``isEmpty`` before showing a figure (the reports print "–").
public struct LatencySummary: Sendable, Codable, Equatable {
    /// Number of recorded values.
    public var count: UInt64
    /// Smallest recorded value (exact), µs.
    public var min: Double
    /// 50th percentile, µs (HdrHistogram, 3 significant digits).
    public var p50: Double
    /// 90th percentile, µs.
    public var p90: Double
    /// 99th percentile, µs.
    public var p99: Double
    /// 99.9th percentile, µs.
    public var p999: Double
    /// Largest recorded value (exact), µs.
    public var max: Double
    /// Mean of recorded values (to histogram precision), µs.
    public var mean: Double

    /// Creates a summary from figures already in microseconds.
    public init(count: UInt64, min: Double, p50: Double, p90: Double, p99: Double, p999: Double, max: Double, mean: Double) {
        self.count = count
        self.min = min
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
        self.mean = mean
    }

    /// The summary of an empty distribution: count 0, every figure 0.
    public static let empty = LatencySummary(count: 0, min: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0)

    /// True when nothing was recorded; the figures are then meaningless zeros.
    public var isEmpty: Bool { count == 0 }
}
