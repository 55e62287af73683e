/// Flow-control figures of one cell as written to `run.json` (`cells[i].flowControl`). Times in seconds,
/// distributions as ``LatencySummary`` in µs.
public struct FlowControlResult: Sendable, Codable, Equatable {
    /// ``FlowControlMeasurements/streamZeroWindowNanos`` in seconds.
    public var streamZeroWindowSeconds: Double
    /// ``FlowControlMeasurements/connectionZeroWindowNanos`` in seconds.
    public var connectionZeroWindowSeconds: Double
    /// Per-stream zero-window time, µs; `count` = streams whose receive window hit zero.
    public var streamZeroWindowPerStream: LatencySummary
    /// WINDOW_UPDATE frames the driver sent.
    public var windowUpdateFramesSent: Int
    /// Sum of their window increments, bytes.
    public var windowUpdateBytesSent: Int
    /// The embedded server's stall episodes; absent when the target does not report them (external targets).
    public var server: ServerFlowControlResult?

    /// Creates the result from the driver's merged measurements and, when known, the server's stalls.
    public init(_ driver: FlowControlMeasurements, server: ServerFlowControl?) {
        streamZeroWindowSeconds = Double(driver.streamZeroWindowNanos) / 1e9
        connectionZeroWindowSeconds = Double(driver.connectionZeroWindowNanos) / 1e9
        streamZeroWindowPerStream = driver.streamZeroWindowPerStream.summary()
        windowUpdateFramesSent = driver.windowUpdateFramesSent
        windowUpdateBytesSent = driver.windowUpdateBytesSent
        self.server = server.map(ServerFlowControlResult.init)
    }
}
