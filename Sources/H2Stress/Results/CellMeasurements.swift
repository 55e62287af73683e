/// What one worker thread measured during one cell's measured duration; merged across threads at the end of the cell.
///
/// Threading: each worker thread owns one value and mutates it from its loop only; values cross
/// threads only at join, where the runner folds them together with ``merge(_:)``.
///
/// Invariants: ``failures`` holds at most ``failureCap`` records and ``failuresDropped`` counts the
/// rest; likewise ``connectionErrors`` and ``connectionErrorsDropped`` with ``connectionErrorCap``.
/// The hot path should record into the stored histograms (``ttfb``, ``streamDuration``,
/// ``messageGap``) or through the subscript, which mutates in place without copying.
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
    /// Inter-message gap, ns.
    public var messageGap = LatencyHistogram()
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

    /// Empty measurements (allocates the three histograms).
    public init() {}

    /// The histogram of one metric; mutation happens in place (no copy of the histogram).
    public subscript(_ metric: LatencyMetric) -> LatencyHistogram {
        get {
            switch metric {
            case .ttfb: return ttfb
            case .streamDuration: return streamDuration
            case .messageGap: return messageGap
            }
        }
        _modify {
            switch metric {
            case .ttfb: yield &ttfb
            case .streamDuration: yield &streamDuration
            case .messageGap: yield &messageGap
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

    /// Folds `other` into this value: counters add, histograms merge losslessly,
    /// record lists concatenate up to their caps (overflow is counted as dropped).
    public mutating func merge(_ other: CellMeasurements) {
        outcomes.add(other.outcomes)
        bytesReceived += other.bytesReceived
        messagesReceived += other.messagesReceived
        streamsStarted += other.streamsStarted
        ttfb.merge(other.ttfb)
        streamDuration.merge(other.streamDuration)
        messageGap.merge(other.messageGap)
        connectionsOpened += other.connectionsOpened

        let failureRoom = Swift.max(0, Self.failureCap - failures.count)
        failures.append(contentsOf: other.failures.prefix(failureRoom))
        failuresDropped += other.failuresDropped + Swift.max(0, other.failures.count - failureRoom)

        let errorRoom = Swift.max(0, Self.connectionErrorCap - connectionErrors.count)
        connectionErrors.append(contentsOf: other.connectionErrors.prefix(errorRoom))
        connectionErrorsDropped += other.connectionErrorsDropped + Swift.max(0, other.connectionErrors.count - errorRoom)
    }
}
