/// The driver's flow-control figures for one cell (its *receive* side), kept by each worker and merged at join.
///
/// Threading: part of ``CellMeasurements``; one value per worker thread, mutated from its loop only.
///
/// Invariants: ``streamZeroWindowNanos`` equals the sum of the values recorded in
/// ``streamZeroWindowPerStream`` when every stream goes through ``recordStreamZeroWindow(nanoseconds:)``.
public struct FlowControlMeasurements: Sendable, Equatable {
    /// Sum over streams of the time, in ns, a stream's receive window (what the driver still lets the peer
    /// send on it) sat at zero while the stream was open.
    public var streamZeroWindowNanos: UInt64 = 0
    /// Sum over connections of the time, in ns, the connection's receive window sat at zero while at least
    /// one stream was open on it.
    public var connectionZeroWindowNanos: UInt64 = 0
    /// Per-stream zero-window time, ns: one value per stream that had any (streams that never hit zero are
    /// not recorded, so the count is the number of streams that did).
    public var streamZeroWindowPerStream = LatencyHistogram()
    /// WINDOW_UPDATE frames the driver sent (stream and connection level).
    public var windowUpdateFramesSent = 0
    /// Sum of the window size increments of those frames, bytes.
    public var windowUpdateBytesSent = 0

    /// No time at zero, no frames.
    public init() {}

    /// Adds one closed stream's total zero-window time: to ``streamZeroWindowNanos`` always, and to
    /// ``streamZeroWindowPerStream`` when it is > 0.
    public mutating func recordStreamZeroWindow(nanoseconds: UInt64) {
        guard nanoseconds > 0 else { return }
        streamZeroWindowNanos &+= nanoseconds
        streamZeroWindowPerStream.record(nanoseconds: nanoseconds)
    }

    /// Adds one WINDOW_UPDATE frame of `increment` bytes.
    public mutating func recordWindowUpdate(increment: Int) {
        windowUpdateFramesSent += 1
        windowUpdateBytesSent += increment
    }

    /// Folds `other` in: times and counters add, the histogram merges.
    public mutating func merge(_ other: FlowControlMeasurements) {
        streamZeroWindowNanos &+= other.streamZeroWindowNanos
        connectionZeroWindowNanos &+= other.connectionZeroWindowNanos
        streamZeroWindowPerStream.merge(other.streamZeroWindowPerStream)
        windowUpdateFramesSent += other.windowUpdateFramesSent
        windowUpdateBytesSent += other.windowUpdateBytesSent
    }
}
