import H2Loop
import H2Profile
import H2Results
import Prometheus

/// The Prometheus registry of one `h2stress run --metrics`: per-cell counters, two gauges and two
/// latency histograms, labelled `profile`, `variant`, `cell`, `shard` (docs/metrics.md).
///
/// How figures get in, off the driver's hot path:
/// - while a cell runs, every scrape first reads the cell's live source (the workers' progress
///   counters, published every 100 ms) and raises the counters to it (``exposition()``);
/// - when a cell ends, ``cellFinished(_:)`` sets every counter to the cell's final `run.json`
///   figures, fills the histograms from its encoded HdrHistograms and marks the cell finished,
///   so the last scrape equals `run.json`.
///
/// Threading: `Sendable`. The runner thread calls ``cellStarted(labels:live:)`` and
/// ``cellFinished(_:)``, the metrics server thread calls ``exposition()``; the per-cell state
/// sits behind one lock, the swift-prometheus metrics are themselves thread-safe, and a second
/// lock keeps a scrape's rendering and a cell's `h2stress_cell_finished` update apart.
public final class RunMetrics: Sendable {
    /// Every metric family the exporter emits (the Grafana dashboard test checks its queries against these).
    public static let metricNames = [
        "h2stress_streams_total", "h2stress_streams_started_total", "h2stress_received_bytes_total",
        "h2stress_messages_total", "h2stress_open_streams", "h2stress_cell_finished",
        "h2stress_wake_poll_seconds", "h2stress_ttfb_seconds",
    ]

    /// The families of ``metricNames`` that are histograms (each also has `_bucket`, `_sum`, `_count` series).
    public static let histogramNames = ["h2stress_wake_poll_seconds", "h2stress_ttfb_seconds"]

    /// Upper bounds (seconds) of the latency histograms' buckets: 1 µs … 10 s, 1–2.5–5 steps.
    public static let latencyBucketsSeconds: [Double] = [
        0.000_001, 0.000_002_5, 0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5,
        0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    /// The `outcome` label values of `h2stress_streams_total`: `run.json`'s `streams` keys.
    public static let outcomeLabels = StreamOutcome.allCases.map(\.rawValue) + ["unfinished"]

    /// The profile name every series is labelled with.
    public let profile: String
    /// The `shard` label (`i/N`; `0/1` unsharded).
    public let shard: String

    private let registry = PrometheusCollectorRegistry()
    private let state = ConditionLock(State())
    /// Held while a scrape renders and while a cell's `h2stress_cell_finished` turns 1, so that no
    /// scrape shows the gauge at 1 beside histograms it rendered before they were filled.
    private let rendering = ConditionLock(())

    private struct State: Sendable {
        var cells: [String: CellSeries] = [:]
        var finished: Set<String> = []
        var running: String?
        var live: (@Sendable () -> LiveCellCounters)?
    }

    /// The series of one cell.
    private struct CellSeries: Sendable {
        var outcomes: [ExactCounter]            // indexed like `outcomeLabels`
        var started: ExactCounter
        var bytes: ExactCounter
        var messages: ExactCounter
        let open: Gauge
        let finished: Gauge
        let wakePoll: ValueHistogram
        let ttfb: ValueHistogram

        mutating func raise(to live: LiveCellCounters) {
            for (i, outcome) in StreamOutcome.allCases.enumerated() { outcomes[i].raise(to: live.outcomes[outcome]) }
            started.raise(to: live.streamsStarted)
            bytes.raise(to: live.bytesReceived)
            messages.raise(to: live.messagesReceived)
            open.set(to: Double(live.openStreams))
        }
    }

    /// An empty registry for a run of `profile` as shard `shard` (`"0/1"` when not sharded).
    public init(profile: String, shard: String = "0/1") {
        self.profile = profile
        self.shard = shard
    }

    /// A cell begins: its series appear (at 0) and scrapes read `live` until ``cellFinished(_:)``.
    public func cellStarted(labels: MetricsLabels, live: @escaping @Sendable () -> LiveCellCounters) {
        let series = makeSeries(labels)
        state.withLock {
            $0.cells[labels.cell] = series
            $0.running = labels.cell
            $0.live = live
        }
    }

    /// The labels of a cell of this run.
    public func labels(variant: String, cell: String) -> MetricsLabels {
        MetricsLabels(profile: profile, variant: variant, cell: cell, shard: shard)
    }

    /// A cell ended: its counters take the final figures of `result` (exactly `run.json`'s), the
    /// histograms its `wakePoll` and `ttfb` values, `h2stress_open_streams` 0 and, last,
    /// `h2stress_cell_finished` 1. A cell that never started (no ``cellStarted(labels:live:)``)
    /// gets its series here; a cell already finished is left as it is.
    public func cellFinished(_ result: CellResult) {
        let fresh = makeSeries(labels(variant: result.variant, cell: result.id))
        let series: CellSeries? = state.withLock { state in
            guard !state.finished.contains(result.id) else { return nil }
            state.finished.insert(result.id)
            if state.running == result.id {
                state.running = nil
                state.live = nil
            }
            var series = state.cells[result.id] ?? fresh
            for (i, outcome) in StreamOutcome.allCases.enumerated() { series.outcomes[i].set(to: result.streams[outcome]) }
            series.outcomes[StreamOutcome.allCases.count].set(to: result.streams.unfinished)
            series.started.set(to: result.streamsStarted)
            series.bytes.set(to: result.bytesReceived)
            series.messages.set(to: result.messagesReceived)
            series.open.set(to: 0)
            state.cells[result.id] = series
            return series
        }
        guard let series else { return }
        // Outside the lock: a cell's histograms may hold millions of values, and scrapes go on meanwhile.
        Self.fill(series.wakePoll, from: result.histograms[LatencyMetric.wakePoll.rawValue])
        Self.fill(series.ttfb, from: result.histograms[LatencyMetric.ttfb.rawValue])
        rendering.withLock { _ in series.finished.set(to: 1) }
    }

    /// Finalizes (``cellFinished(_:)``) every cell of `cells` not finalized yet: the runner hands
    /// over the whole run after each cell.
    public func cellsFinished(_ cells: [CellResult]) {
        let done = state.withLock { $0.finished }
        for cell in cells where !done.contains(cell.id) { cellFinished(cell) }
    }

    /// The text exposition (format 0.0.4) after raising the running cell's counters to its live figures.
    public func exposition() -> [UInt8] {
        state.withLock { state in
            guard let running = state.running, let live = state.live?() else { return }
            state.cells[running]?.raise(to: live)
        }
        return rendering.withLock { _ in registry.emitToBuffer() }
    }

    private func makeSeries(_ labels: MetricsLabels) -> CellSeries {
        let l = labels.pairs()
        let outcomes = Self.outcomeLabels.map { outcome in
            ExactCounter(registry.makeCounter(descriptor: Self.streams, labels: labels.pairs(("outcome", outcome))))
        }
        return CellSeries(
            outcomes: outcomes,
            started: ExactCounter(registry.makeCounter(descriptor: Self.streamsStarted, labels: l)),
            bytes: ExactCounter(registry.makeCounter(descriptor: Self.receivedBytes, labels: l)),
            messages: ExactCounter(registry.makeCounter(descriptor: Self.messages, labels: l)),
            open: registry.makeGauge(descriptor: Self.openStreams, labels: l),
            finished: registry.makeGauge(descriptor: Self.cellFinished, labels: l),
            wakePoll: registry.makeValueHistogram(descriptor: Self.wakePoll, labels: l, buckets: Self.latencyBucketsSeconds),
            ttfb: registry.makeValueHistogram(descriptor: Self.ttfb, labels: l, buckets: Self.latencyBucketsSeconds)
        )
    }

    // The metric families (docs/metrics.md has the table; keep both in step). Computed: the
    // descriptor type is not Sendable, so it cannot be a stored static.
    private static var streams: MetricNameDescriptor { descriptor("streams", "total", "Measured streams that ended with this outcome (unfinished: still open when the cell ended).") }
    private static var streamsStarted: MetricNameDescriptor { descriptor("streams_started", "total", "Measured streams whose request was submitted.") }
    private static var receivedBytes: MetricNameDescriptor { descriptor("received", "bytes_total", "Response DATA payload bytes received in the measured window.") }
    private static var messages: MetricNameDescriptor { descriptor("messages", "total", "Complete messages received in the measured window (plain HTTP: DATA chunks).") }
    private static var openStreams: MetricNameDescriptor { descriptor("open_streams", "", "Measured streams started and not yet ended (0 once the cell ended).") }
    private static var cellFinished: MetricNameDescriptor { descriptor("cell_finished", "", "1 once the cell ended and its series hold the final run.json figures, else 0.") }
    private static var wakePoll: MetricNameDescriptor { descriptor("wake_poll", "seconds",
                                                                   "Kernel receive timestamp to the driver thread's wake (first read of a wake), seconds; filled when the cell ends.") }
    private static var ttfb: MetricNameDescriptor { descriptor("ttfb", "seconds", "Stream start to the first response byte, seconds; filled when the cell ends.") }

    private static func descriptor(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "h2stress", metricName: metric, unitName: unit, helpText: help)
    }

    /// Records every value of an encoded ``LatencyHistogram`` (ns) into `histogram` (s), each
    /// HdrHistogram bucket's value as many times as it was counted.
    static func fill(_ histogram: ValueHistogram, from encoded: String?) {
        guard let encoded, let values = LatencyHistogram(encoded: encoded) else { return }
        for bucket in values.recordedBuckets() {
            let seconds = Double(bucket.nanoseconds) / 1e9
            for _ in 0..<bucket.count { histogram.record(seconds) }
        }
    }
}
