import H2Profile
import H2Results
import Synchronization

/// Live counters one driver worker publishes for the progress line and the live metrics
/// (`run --metrics`).
///
/// Threading: written by exactly one worker thread (relaxed atomic stores from its 100 ms
/// progress timer and once at the end, never per message or per stream), read by other threads.
/// That is the only state shared while a cell runs. Each figure is monotonic within a cell, but
/// a reader may see one figure newer than another (no snapshot across fields).
public final class WorkerProgress: Sendable {
    private let streamsDone = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let messages = Atomic<Int>(0)
    private let started = Atomic<Int>(0)
    private let complete = Atomic<Int>(0)
    private let truncated = Atomic<Int>(0)
    private let reset = Atomic<Int>(0)
    private let goaway = Atomic<Int>(0)
    private let connectionLost = Atomic<Int>(0)
    private let deadline = Atomic<Int>(0)
    private let statusError = Atomic<Int>(0)
    private let integrity = Atomic<Int>(0)

    /// A fresh set of counters.
    public init() {}

    /// Publishes the worker's totals (worker thread).
    func publish(streamsDone: Int, measurements m: borrowing CellMeasurements) {
        self.streamsDone.store(streamsDone, ordering: .relaxed)
        bytes.store(m.bytesReceived, ordering: .relaxed)
        messages.store(m.messagesReceived, ordering: .relaxed)
        started.store(m.streamsStarted, ordering: .relaxed)
        complete.store(m.outcomes.complete, ordering: .relaxed)
        truncated.store(m.outcomes.truncated, ordering: .relaxed)
        reset.store(m.outcomes.reset, ordering: .relaxed)
        goaway.store(m.outcomes.goaway, ordering: .relaxed)
        connectionLost.store(m.outcomes.connectionLost, ordering: .relaxed)
        deadline.store(m.outcomes.deadline, ordering: .relaxed)
        statusError.store(m.outcomes.statusError, ordering: .relaxed)
        integrity.store(m.outcomes.integrity, ordering: .relaxed)
    }

    /// Streams finished (any outcome) in the measured window so far.
    public var streamsFinished: Int { streamsDone.load(ordering: .relaxed) }
    /// Response DATA bytes received in the measured window so far.
    public var bytesReceived: Int { bytes.load(ordering: .relaxed) }
    /// Complete messages received in the measured window so far.
    public var messagesReceived: Int { messages.load(ordering: .relaxed) }
    /// Measured streams whose request was submitted so far.
    public var streamsStarted: Int { started.load(ordering: .relaxed) }
    /// Measured streams per outcome so far (``OutcomeCounts/unfinished`` is always 0 here).
    public var outcomes: OutcomeCounts {
        var o = OutcomeCounts()
        o.complete = complete.load(ordering: .relaxed)
        o.truncated = truncated.load(ordering: .relaxed)
        o.reset = reset.load(ordering: .relaxed)
        o.goaway = goaway.load(ordering: .relaxed)
        o.connectionLost = connectionLost.load(ordering: .relaxed)
        o.deadline = deadline.load(ordering: .relaxed)
        o.statusError = statusError.load(ordering: .relaxed)
        o.integrity = integrity.load(ordering: .relaxed)
        return o
    }
}
