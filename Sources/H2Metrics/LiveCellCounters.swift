import H2Results

/// The running cell's totals so far, as the driver workers last published them (every 100 ms).
///
/// Each figure counts the measured window only (warm-up excluded), like `run.json`, so every
/// figure only grows during a cell and is ≤ the cell's final total.
public struct LiveCellCounters: Sendable, Equatable {
    /// Streams per outcome so far (``OutcomeCounts/unfinished`` is 0 until the cell ends).
    public var outcomes: OutcomeCounts
    /// Measured streams whose request was submitted.
    public var streamsStarted: Int
    /// Response DATA payload bytes received.
    public var bytesReceived: Int
    /// Complete messages received (plain HTTP: DATA chunks).
    public var messagesReceived: Int

    /// Counters from their values.
    public init(outcomes: OutcomeCounts = OutcomeCounts(), streamsStarted: Int = 0, bytesReceived: Int = 0, messagesReceived: Int = 0) {
        self.outcomes = outcomes
        self.streamsStarted = streamsStarted
        self.bytesReceived = bytesReceived
        self.messagesReceived = messagesReceived
    }

    /// Measured streams started and not yet ended (never negative).
    public var openStreams: Int {
        max(0, streamsStarted - outcomes.complete - outcomes.failed)
    }
}
