/// The embedded server's send-side stall episodes during one cell, handed to ``CellResult`` by the runner
/// (they come from the target's stop, not from the driver's workers).
///
/// A *stall episode* starts when a stream has response data ready and the remote window it needs is ≤ 0,
/// and lasts until the server could send on it again. It is a *connection* stall when the connection's
/// remote window is ≤ 0 at the start (stream credit alone would not help), else a *stream* stall.
///
/// Threading: one value per server thread, mutated from its loop only; merged with ``merge(_:)``.
public struct ServerFlowControl: Sendable, Equatable {
    /// Which window a stall waited for.
    public enum Window: Sendable {
        /// The stream's remote window was ≤ 0 (the connection's was not).
        case stream
        /// The connection's remote window was ≤ 0.
        case connection
    }

    /// Stall episodes that waited for stream window.
    public var streamStalls = 0
    /// Stall episodes that waited for connection window.
    public var connectionStalls = 0
    /// Total duration of stream stall episodes, ns.
    public var streamStallNanos: UInt64 = 0
    /// Total duration of connection stall episodes, ns.
    public var connectionStallNanos: UInt64 = 0
    /// Duration of each stream stall episode, ns.
    public var streamStallDuration = LatencyHistogram()
    /// Duration of each connection stall episode, ns.
    public var connectionStallDuration = LatencyHistogram()

    /// No stalls.
    public init() {}

    /// Records one finished stall episode of `nanoseconds` that waited for `window`.
    public mutating func recordStall(_ window: Window, nanoseconds: UInt64) {
        switch window {
        case .stream:
            streamStalls += 1
            streamStallNanos &+= nanoseconds
            streamStallDuration.record(nanoseconds: nanoseconds)
        case .connection:
            connectionStalls += 1
            connectionStallNanos &+= nanoseconds
            connectionStallDuration.record(nanoseconds: nanoseconds)
        }
    }

    /// Folds `other` in: counts and totals add, histograms merge.
    public mutating func merge(_ other: ServerFlowControl) {
        streamStalls += other.streamStalls
        connectionStalls += other.connectionStalls
        streamStallNanos &+= other.streamStallNanos
        connectionStallNanos &+= other.connectionStallNanos
        streamStallDuration.merge(other.streamStallDuration)
        connectionStallDuration.merge(other.connectionStallDuration)
    }
}
