import Synchronization

/// Live counters one driver worker publishes for the progress line.
///
/// Threading: written by exactly one worker thread (relaxed atomic stores, once per loop wake,
/// never per message), read by the main thread. That is the only state shared while a cell runs.
public final class WorkerProgress: Sendable {
    private let streamsDone = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)

    /// A fresh set of counters.
    public init() {}

    /// Publishes the worker's totals (worker thread).
    func publish(streamsDone: Int, bytes: Int) {
        self.streamsDone.store(streamsDone, ordering: .relaxed)
        self.bytes.store(bytes, ordering: .relaxed)
    }

    /// Streams finished (any outcome) in the measured window so far.
    public var streamsFinished: Int { streamsDone.load(ordering: .relaxed) }
    /// Response DATA bytes received in the measured window so far.
    public var bytesReceived: Int { bytes.load(ordering: .relaxed) }
}
