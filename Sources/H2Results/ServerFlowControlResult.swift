/// The embedded server's stall episodes in one cell (`cells[i].flowControl.server`); see ``ServerFlowControl``
/// for what a stall episode is.
public struct ServerFlowControlResult: Sendable, Codable, Equatable {
    /// Stall episodes that waited for stream window.
    public var streamStalls: Int
    /// Stall episodes that waited for connection window.
    public var connectionStalls: Int
    /// Total duration of stream stalls, seconds.
    public var streamStallSeconds: Double
    /// Total duration of connection stalls, seconds.
    public var connectionStallSeconds: Double
    /// Duration of stream stall episodes, µs.
    public var streamStallDuration: LatencySummary
    /// Duration of connection stall episodes, µs.
    public var connectionStallDuration: LatencySummary

    /// Summarises merged server figures.
    public init(_ stalls: ServerFlowControl) {
        streamStalls = stalls.streamStalls
        connectionStalls = stalls.connectionStalls
        streamStallSeconds = Double(stalls.streamStallNanos) / 1e9
        connectionStallSeconds = Double(stalls.connectionStallNanos) / 1e9
        streamStallDuration = stalls.streamStallDuration.summary()
        connectionStallDuration = stalls.connectionStallDuration.summary()
    }
}
