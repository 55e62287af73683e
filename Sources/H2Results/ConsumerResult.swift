/// Slow-consumer figures of one cell (`cells[i].consumers`).
public struct ConsumerResult: Sendable, Codable, Equatable {
    /// Time slow consumers spent delaying while their stream was open, summed over streams, seconds.
    public var delaySeconds: Double
    /// Streams that were given a slow consumer.
    public var slowStreams: Int

    /// Creates the figures from the merged counters.
    public init(delayNanoseconds: UInt64, slowStreams: Int) {
        delaySeconds = Double(delayNanoseconds) / 1e9
        self.slowStreams = slowStreams
    }
}
