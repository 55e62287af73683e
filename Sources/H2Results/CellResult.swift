import H2Profile
/// One cell's results as written to `run.json` (`cells[i]`).
///
/// Invariants: ``latency`` has a key for each of ``LatencyMetric/alwaysReported`` and for every other
/// metric that recorded at least one value, except that `wakePoll`/`wakeDispatch` are left out when
/// ``wake`` is not available; ``histograms`` has exactly the same latency keys plus the flow-control
/// histograms that recorded something; every `Double` is finite (JSON cannot carry NaN or infinity),
/// rates are 0 when ``durationSeconds`` is not > 0.
///
/// Compatibility: fields added after the first `h2stress.run/v1` files (``wake``, ``histograms``,
/// ``flowControl``, ``series``, ``openLoop``, ``consumers``) decode with neutral defaults when absent.
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
    /// Summaries in µs, keyed by ``LatencyMetric`` raw value (see the invariants for which keys are present).
    public var latency: [String: LatencySummary]
    /// Whether the wake figures are measurements, and from how many reads.
    public var wake: WakeAvailability
    /// Encoded HdrHistograms (``LatencyHistogram/encoded()``, ns) for exact merging later: one per key of
    /// ``latency`` with count > 0, plus `flowControl.streamZeroWindowPerStream`,
    /// `flowControl.server.streamStallDuration` and `flowControl.server.connectionStallDuration` when they
    /// recorded something.
    public var histograms: [String: String]
    /// Flow-control figures (driver receive side, embedded server send side).
    public var flowControl: FlowControlResult
    /// Per-second series of the measured window: one sample per second through the last second that saw a
    /// record, at least `ceil(durationSeconds − 1 ms)` samples, at most ``SeriesRecorder/maxSeconds``.
    public var series: [SecondSample]
    /// Open-loop start accounting; absent for closed-loop cells.
    public var openLoop: OpenLoopResult?
    /// Slow-consumer figures.
    public var consumers: ConsumerResult
    /// Whose timer ended the `deadline` streams; absent when no stream ended `deadline`.
    public var deadlines: DeadlineSources?
    /// Stamp and checksum coverage; absent when no stamped message arrived.
    public var checksum: ChecksumCoverage?
    /// Of the complete streams, those judged by status and END_STREAM only because nothing
    /// fixed their size: `http.request` without `expect.size` answered without
    /// `content-length`, `grpc.call` without `expect.messages`. Absent when 0.
    public var completeSizeUnverified: Int?
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
    /// Outcomes per fault, with the outcome each fault must land in (``FaultOutcome/table(_:faults:deadlineNanoseconds:)``);
    /// absent when the cell asked for no faults. The runner fills it in (it knows the cell's faults and deadline).
    public var faults: [FaultOutcome]?
    /// Free-form remarks (e.g. "target restarted", "connection errors dropped: 12").
    public var notes: [String]
    /// The managed target's process (CPU, peak RSS, exit); absent for other targets.
    public var target: TargetProcessResult?

    /// Builds a cell result from merged measurements: computes ``throughput``, the latency summaries, the
    /// encoded histograms, the series and every section. `serverFlowControl` is the embedded server's stall
    /// figures when the target reports them (`nil`: ``FlowControlResult/server`` is absent).
    public init(
        index: Int, id: String, threads: Int, serverThreads: Int, variant: String, `repeat`: Int,
        durationSeconds: Double, measurements: CellMeasurements, cpu: CPUUsage, peakRSSBytes: UInt64,
        serverFlowControl: ServerFlowControl? = nil
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
        let wake = WakeAvailability(readsWithTimestamp: measurements.readsWithTimestamp,
                                    readsWithoutTimestamp: measurements.readsWithoutTimestamp)
        self.wake = wake
        var latency: [String: LatencySummary] = [:]
        var histograms: [String: String] = [:]
        for metric in LatencyMetric.allCases {
            let histogram = measurements[metric]
            if LatencyMetric.needsReceiveTimestamps.contains(metric), !wake.available { continue }
            if histogram.count > 0 {
                histograms[metric.rawValue] = histogram.encoded()
            } else if !LatencyMetric.alwaysReported.contains(metric) {
                continue
            }
            latency[metric.rawValue] = histogram.summary()
        }
        let flow = measurements.flowControl
        for (key, histogram) in [
            ("flowControl.streamZeroWindowPerStream", flow.streamZeroWindowPerStream),
            ("flowControl.server.streamStallDuration", serverFlowControl?.streamStallDuration),
            ("flowControl.server.connectionStallDuration", serverFlowControl?.connectionStallDuration),
        ] {
            if let histogram, histogram.count > 0 { histograms[key] = histogram.encoded() }
        }
        self.latency = latency
        self.histograms = histograms
        self.flowControl = FlowControlResult(flow, server: serverFlowControl)
        self.series = measurements.series.samples(minimumSeconds: Int((duration - 0.001).rounded(.up)))
        self.openLoop = measurements.openLoop.map {
            OpenLoopResult($0, streamsStarted: measurements.streamsStarted, durationSeconds: duration)
        }
        self.consumers = ConsumerResult(delayNanoseconds: measurements.consumerDelayNanos, slowStreams: measurements.slowStreams)
        self.deadlines = measurements.outcomes.deadline > 0
            ? DeadlineSources(client: measurements.outcomes.deadline - measurements.serverDeadlines, server: measurements.serverDeadlines)
            : nil
        self.checksum = measurements.checksum.messagesStampChecked > 0 ? measurements.checksum : nil
        self.completeSizeUnverified = measurements.completeSizeUnverified > 0 ? measurements.completeSizeUnverified : nil
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
        if measurements.series.recordsBeyondCap > 0 {
            notes.append("the per-second series keeps the first \(SeriesRecorder.maxSeconds) s; \(measurements.series.recordsBeyondCap) later records were not kept")
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
