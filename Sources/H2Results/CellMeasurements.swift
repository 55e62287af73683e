import H2Wire
import H2Profile

/// What one worker thread measured during one cell's measured duration; merged across threads at the end of the cell.
///
/// Threading: each worker thread owns one value and mutates it from its loop only; values cross
/// threads only at join, where the runner folds them together with ``merge(_:)``.
///
/// Invariants: ``failures`` holds at most ``failureCap`` records and ``failuresDropped`` counts the
/// rest; likewise ``connectionErrors`` and ``connectionErrorsDropped`` with ``connectionErrorCap``.
/// The hot path should record into the stored histograms (``ttfb``, ``streamDuration``, ``consumedDuration``,
/// ``messageGap``, ``wakePoll``, ``wakeDispatch``, ``delivery``) or through the subscript, which mutates
/// in place without copying. Each histogram allocates ≈ 270 KB once, at ``init()``.
public struct CellMeasurements: Sendable {
    /// Most failure records kept per cell; the rest are only counted.
    public static let failureCap = 1000
    /// Most connection error messages kept per cell; the rest are only counted.
    public static let connectionErrorCap = 100

    /// Streams per outcome, plus those still open at the end.
    public var outcomes = OutcomeCounts()
    /// DATA payload bytes received (all streams, any outcome).
    public var bytesReceived = 0
    /// Complete messages received (plain HTTP: DATA frames).
    public var messagesReceived = 0
    /// Streams whose request HEADERS were submitted.
    public var streamsStarted = 0
    /// Time to first byte, ns.
    public var ttfb = LatencyHistogram()
    /// Stream duration, ns.
    public var streamDuration = LatencyHistogram()
    /// Consumed stream duration, ns (``LatencyMetric/consumedDuration``).
    public var consumedDuration = LatencyHistogram()
    /// Inter-message gap, ns.
    public var messageGap = LatencyHistogram()
    /// Wake latency, poll part, ns (``LatencyMetric/wakePoll``).
    public var wakePoll = LatencyHistogram()
    /// Wake latency, dispatch part, ns (``LatencyMetric/wakeDispatch``).
    public var wakeDispatch = LatencyHistogram()
    /// Server send stamp → consumer hand-off, ns (``LatencyMetric/delivery``).
    public var delivery = LatencyHistogram()
    /// Stamp and checksum coverage of the measured streams.
    public var checksum = ChecksumCoverage(sampling: ChecksumSampling.default.description)
    /// Socket reads that returned bytes with a kernel receive timestamp.
    public var readsWithTimestamp = 0
    /// Socket reads that returned bytes without a kernel receive timestamp.
    public var readsWithoutTimestamp = 0
    /// The driver's receive-side flow-control figures.
    public var flowControl = FlowControlMeasurements()
    /// Per-second series of the measured window.
    public var series = SeriesRecorder()
    /// Open-loop start accounting; `nil` for closed-loop cells.
    public var openLoop: OpenLoopMeasurements?
    /// Time slow consumers spent delaying while their stream was open, summed over streams, ns.
    public var consumerDelayNanos: UInt64 = 0
    /// Streams that were given a slow consumer.
    public var slowStreams = 0
    /// Streams with outcome `deadline` that the server ended (``DeadlineSource/server``); the
    /// rest of `outcomes.deadline` were ended by the driver's own timer.
    public var serverDeadlines = 0
    /// Complete streams whose size nothing fixed (``CellResult/completeSizeUnverified``).
    public var completeSizeUnverified = 0
    /// Frame traces of abnormal streams' connections (at most ``FrameTraceDump/capPerCell``);
    /// written to `frames/`, not to `run.json`.
    public var frameTraces: [FrameTraceDump] = []
    /// Abnormal streams whose trace was left out because of the cap.
    public var frameTracesLeftOut = 0
    /// Records of abnormal streams, at most ``failureCap``.
    public var failures: [StreamFailure] = []
    /// Abnormal streams not kept in ``failures`` because of the cap.
    public var failuresDropped = 0
    /// TCP connections opened (successfully connected) during the cell.
    public var connectionsOpened = 0
    /// Connection-level errors (connect failures, protocol errors), at most ``connectionErrorCap``.
    public var connectionErrors: [String] = []
    /// Connection errors not kept because of the cap.
    public var connectionErrorsDropped = 0
    /// Outcomes per fault when the profile has `faults` (empty otherwise): keyed by the fault's
    /// header text (e.g. `rst;after=3;code=8`), ``noFault`` for clean streams, and
    /// ``collateralPrefix`` + fault for clean streams a connection-level fault took down.
    public var faultOutcomes: [String: OutcomeCounts] = [:]
    /// ``faultOutcomes`` key of streams that asked for no fault.
    public static let noFault = "none"
    /// ``faultOutcomes`` key prefix of clean streams ended by another stream's connection-level fault.
    public static let collateralPrefix = "collateral of "

    /// Empty measurements (allocates the seven histograms, the flow-control one and the series' current second).
    public init() {}

    /// The histogram of one metric; mutation happens in place (no copy of the histogram).
    public subscript(_ metric: LatencyMetric) -> LatencyHistogram {
        get {
            switch metric {
            case .ttfb: return ttfb
            case .streamDuration: return streamDuration
            case .consumedDuration: return consumedDuration
            case .messageGap: return messageGap
            case .wakePoll: return wakePoll
            case .wakeDispatch: return wakeDispatch
            case .delivery: return delivery
            }
        }
        _modify {
            switch metric {
            case .ttfb: yield &ttfb
            case .streamDuration: yield &streamDuration
            case .consumedDuration: yield &consumedDuration
            case .messageGap: yield &messageGap
            case .wakePoll: yield &wakePoll
            case .wakeDispatch: yield &wakeDispatch
            case .delivery: yield &delivery
            }
        }
    }

    /// Keeps `failure` if fewer than ``failureCap`` are kept, else counts it in ``failuresDropped``.
    /// Does not touch ``outcomes``: the caller counts the outcome itself.
    public mutating func recordFailure(_ failure: StreamFailure) {
        if failures.count < Self.failureCap {
            failures.append(failure)
        } else {
            failuresDropped += 1
        }
    }

    /// Keeps `message` if fewer than ``connectionErrorCap`` are kept, else counts it in ``connectionErrorsDropped``.
    public mutating func recordConnectionError(_ message: String) {
        if connectionErrors.count < Self.connectionErrorCap {
            connectionErrors.append(message)
        } else {
            connectionErrorsDropped += 1
        }
    }

    /// Folds `other` into this value: counters add, histograms merge losslessly, series merge by second,
    /// open-loop figures merge when either side has them, record lists concatenate up to their caps
    /// (overflow is counted as dropped).
    public mutating func merge(_ other: CellMeasurements) {
        outcomes.add(other.outcomes)
        bytesReceived += other.bytesReceived
        messagesReceived += other.messagesReceived
        streamsStarted += other.streamsStarted
        ttfb.merge(other.ttfb)
        streamDuration.merge(other.streamDuration)
        consumedDuration.merge(other.consumedDuration)
        serverDeadlines += other.serverDeadlines
        completeSizeUnverified += other.completeSizeUnverified
        messageGap.merge(other.messageGap)
        wakePoll.merge(other.wakePoll)
        wakeDispatch.merge(other.wakeDispatch)
        delivery.merge(other.delivery)
        checksum.merge(other.checksum)
        readsWithTimestamp += other.readsWithTimestamp
        readsWithoutTimestamp += other.readsWithoutTimestamp
        flowControl.merge(other.flowControl)
        series.merge(other.series)
        if let theirs = other.openLoop {
            if openLoop == nil {
                openLoop = theirs
            } else {
                openLoop?.merge(theirs)
            }
        }
        consumerDelayNanos &+= other.consumerDelayNanos
        slowStreams += other.slowStreams
        connectionsOpened += other.connectionsOpened
        let traceRoom = Swift.max(0, FrameTraceDump.capPerCell - frameTraces.count)
        frameTraces.append(contentsOf: other.frameTraces.prefix(traceRoom))
        frameTracesLeftOut += other.frameTracesLeftOut + Swift.max(0, other.frameTraces.count - traceRoom)

        let failureRoom = Swift.max(0, Self.failureCap - failures.count)
        failures.append(contentsOf: other.failures.prefix(failureRoom))
        failuresDropped += other.failuresDropped + Swift.max(0, other.failures.count - failureRoom)

        let errorRoom = Swift.max(0, Self.connectionErrorCap - connectionErrors.count)
        connectionErrors.append(contentsOf: other.connectionErrors.prefix(errorRoom))
        connectionErrorsDropped += other.connectionErrorsDropped + Swift.max(0, other.connectionErrors.count - errorRoom)
        for (key, counts) in other.faultOutcomes { faultOutcomes[key, default: OutcomeCounts()].add(counts) }
    }
}
