import H2Loop
import Synchronization

/// Cross-thread run control: Ctrl-C sets ``isInterrupted`` and wakes every loop that is
/// attached, so each stops at its next iteration and hands back what it measured.
///
/// Threading: `Sendable`; the waker list is behind a lock (touched only when a worker starts
/// or stops, never on the hot path), the flag is atomic.
public final class RunControl: Sendable {
    private let interrupted = Atomic<Bool>(false)
    private let wakers = ConditionLock<[ObjectIdentifier: LoopWaker]>([:])

    public init() {}

    /// Whether the run was interrupted (Ctrl-C).
    public var isInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    /// Interrupts the run: every attached loop is asked to stop.
    public func interrupt() {
        interrupted.store(true, ordering: .releasing)
        let all = wakers.withLock { Array($0.values) }
        for w in all { w.requestStop() }
    }

    /// Registers a loop to be stopped on interrupt.
    public func attach(_ waker: LoopWaker) {
        wakers.withLock { $0[ObjectIdentifier(waker)] = waker }
        if isInterrupted { waker.requestStop() }
    }

    /// Forgets a loop that has finished.
    public func detach(_ waker: LoopWaker) {
        _ = wakers.withLock { $0.removeValue(forKey: ObjectIdentifier(waker)) }
    }
}
