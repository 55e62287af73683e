/// One cell's results as written to `run.json` (`cells[i]`).
///
/// Invariants: ``latency`` has one key per ``LatencyMetric`` raw value; every `Double` is finite
/// (JSON cannot carry NaN or infinity), rates are 0 when ``durationSeconds`` is not > 0.
public struct CellResult: Sendable, Codable {
    /// Position of the cell in the run (0-based).
    public var index: Int
    /// Stable cell id, e.g. `window-1m/t2/r1`.
    public var id: String
    /// Driver worker threads.
    public var threads: Int
    /// Server threads (embedded target or managed command's `{threads}`); 0 when not applicable.
    public var serverThreads: Int
    /// Name of the variant this cell ran.
    public var variant: String
    /// Repeat number (1-based).
    public var `repeat`: Int
    /// Measured duration in seconds (warm-up excluded); the denominator of ``throughput``.
    public var durationSeconds: Double
    /// Streams per outcome.
    public var streams: OutcomeCounts
    /// Rates over ``durationSeconds``.
    public var throughput: Throughput
    /// One summary per ``LatencyMetric`` raw value, in µs.
    public var latency: [String: LatencySummary]
    /// The driver's CPU time during the cell.
    public var cpu: CPUUsage
    /// The driver's peak resident set size in bytes (`ru_maxrss`, high-water mark of the process).
    public var peakRSSBytes: UInt64
    /// DATA payload bytes received.
    public var bytesReceived: Int
    /// Complete messages received.
    public var messagesReceived: Int
    /// Streams whose request was submitted.
    public var streamsStarted: Int
    /// TCP connections opened.
    public var connectionsOpened: Int
    /// Connection-level error messages (capped).
    public var connectionErrors: [String]
    /// Abnormal streams (capped at ``CellMeasurements/failureCap``).
    public var failures: [StreamFailure]
    /// Abnormal streams beyond the cap, counted but not recorded.
    public var failuresDropped: Int
    /// Free-form remarks (e.g. "target restarted", "connection errors dropped: 12").
    public var notes: [String]

    /// Builds a cell result from merged measurements: computes ``throughput`` and the latency summaries.
    public init(
        index: Int, id: String, threads: Int, serverThreads: Int, variant: String, `repeat`: Int,
        durationSeconds: Double, measurements: CellMeasurements, cpu: CPUUsage, peakRSSBytes: UInt64
    ) {
        self.index = index
        self.id = id
        self.threads = threads
        self.serverThreads = serverThreads
        self.variant = variant
        self.repeat = `repeat`
        let duration = durationSeconds.isFinite && durationSeconds > 0 ? durationSeconds : 0
        self.durationSeconds = duration
        self.streams = measurements.outcomes
        self.throughput = Throughput(
            bytesPerSecond: Self.rate(measurements.bytesReceived, over: duration),
            messagesPerSecond: Self.rate(measurements.messagesReceived, over: duration),
            streamsPerSecond: Self.rate(measurements.outcomes.complete, over: duration)
        )
        var latency: [String: LatencySummary] = [:]
        for metric in LatencyMetric.allCases {
            latency[metric.rawValue] = measurements[metric].summary()
        }
        self.latency = latency
        self.cpu = CPUUsage(
            userSeconds: cpu.userSeconds.isFinite ? cpu.userSeconds : 0,
            systemSeconds: cpu.systemSeconds.isFinite ? cpu.systemSeconds : 0
        )
        self.peakRSSBytes = peakRSSBytes
        self.bytesReceived = measurements.bytesReceived
        self.messagesReceived = measurements.messagesReceived
        self.streamsStarted = measurements.streamsStarted
        self.connectionsOpened = measurements.connectionsOpened
        self.connectionErrors = measurements.connectionErrors
        self.failures = measurements.failures
        self.failuresDropped = measurements.failuresDropped
        self.notes = []
        if measurements.connectionErrorsDropped > 0 {
            notes.append("\(measurements.connectionErrorsDropped) further connection errors were not recorded")
        }
    }

    /// The summary of one metric; ``LatencySummary/empty`` when it is missing.
    public subscript(_ metric: LatencyMetric) -> LatencySummary {
        latency[metric.rawValue] ?? .empty
    }

    private static func rate(_ amount: Int, over seconds: Double) -> Double {
        seconds > 0 ? Double(amount) / seconds : 0
    }
}
