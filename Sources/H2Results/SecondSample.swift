/// One second of a cell's per-second series (`cells[i].series[k]`).
///
/// Second `k` covers `[k, k+1)` seconds after the start of the measured window (warm-up excluded).
public struct SecondSample: Sendable, Codable, Equatable {
    /// Index of the second from the start of the measured window, 0-based.
    public var second: Int
    /// Response DATA payload bytes that arrived in this second.
    public var bytes: Int
    /// Complete messages (plain HTTP: DATA chunks) that arrived in this second.
    public var messages: Int
    /// Streams that ended `complete` in this second.
    public var streamsCompleted: Int
    /// Streams that ended in this second, per outcome (`complete` included); outcomes with 0 are left out.
    public var outcomes: [String: Int]
    /// 99th percentile of ``LatencyMetric/wakePoll`` values recorded in this second, µs (2 significant
    /// digits); absent when none were recorded.
    public var wakePollP99Micros: Double?

    /// Creates a sample from its figures.
    public init(second: Int, bytes: Int, messages: Int, streamsCompleted: Int, outcomes: [String: Int], wakePollP99Micros: Double?) {
        self.second = second
        self.bytes = bytes
        self.messages = messages
        self.streamsCompleted = streamsCompleted
        self.outcomes = outcomes
        self.wakePollP99Micros = wakePollP99Micros
    }
}
