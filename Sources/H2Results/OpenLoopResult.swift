/// Open-loop figures of one cell (`cells[i].openLoop`, absent for closed-loop cells).
///
/// Latencies of such a cell are measured from each stream's intended start (coordinated omission corrected).
public struct OpenLoopResult: Sendable, Codable, Equatable {
    /// Streams per second the profile asked for.
    public var requestedRate: Double
    /// Streams started in the measured window (``CellMeasurements/streamsStarted``) per second of `durationSeconds`.
    public var achievedRate: Double
    /// Scheduled starts that fell in the measured window.
    public var intendedStarts: Int
    /// Starts more than 1 ms after their intended time.
    public var lateStarts: Int
    /// The largest start lag, milliseconds.
    public var maxStartLagMillis: Double
    /// Uncorrected stream duration (actual submission → close), for contrast with the corrected
    /// `latency.streamDuration`: what a closed-loop tool would have reported.
    public var serviceTime: LatencySummary?

    /// Summarises merged open-loop measurements over `durationSeconds` (0 gives an achieved rate of 0).
    public init(_ measurements: OpenLoopMeasurements, streamsStarted: Int, durationSeconds: Double) {
        requestedRate = measurements.requestedRate.isFinite ? measurements.requestedRate : 0
        achievedRate = durationSeconds > 0 ? Double(streamsStarted) / durationSeconds : 0
        intendedStarts = measurements.intendedStarts
        lateStarts = measurements.lateStarts
        maxStartLagMillis = Double(measurements.maxStartLagNanos) / 1e6
        serviceTime = measurements.serviceTime.count > 0 ? measurements.serviceTime.summary() : nil
    }
}
