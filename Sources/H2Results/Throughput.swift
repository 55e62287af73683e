/// Rates over a cell's measured duration (warm-up excluded).
public struct Throughput: Sendable, Codable, Equatable {
    /// DATA payload bytes received per second.
    public var bytesPerSecond: Double
    /// Complete messages received per second (plain HTTP: DATA frames).
    public var messagesPerSecond: Double
    /// Streams with outcome ``StreamOutcome/complete`` per second.
    public var streamsPerSecond: Double

    /// Creates rates from figures already per second.
    public init(bytesPerSecond: Double, messagesPerSecond: Double, streamsPerSecond: Double) {
        self.bytesPerSecond = bytesPerSecond
        self.messagesPerSecond = messagesPerSecond
        self.streamsPerSecond = streamsPerSecond
    }
}
