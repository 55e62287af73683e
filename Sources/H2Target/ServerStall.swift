#if DEBUG
import H2Loop
import Synchronization

/// Test-only: a deadline until which every embedded-server loop thread busy-waits, to inject a
/// server stall of known length (see ``EmbeddedServer/stallForTesting(nanoseconds:)``).
/// Debug builds only, like every use of it: release builds have no stall check on any event.
///
/// Threading: `Sendable`; set from any thread, read (one relaxed load per event) by every
/// server loop thread. Each thread honours a given deadline at most once.
final class ServerStall: Sendable {
    /// Monotonic ns until which loop threads spin; 0 = never asked.
    private let until = Atomic<UInt64>(0)

    init() {}

    /// Asks every loop thread to spin until `deadline` (monotonic ns) at its next event.
    func request(until deadline: UInt64) {
        until.store(deadline, ordering: .relaxed)
    }

    /// Called by a loop thread at the top of each event or timer: spins (never sleeps, like a
    /// thread that is busy or descheduled) until the requested deadline if it has not honoured
    /// that deadline yet. `honoured` is the thread's own record of the last deadline it served.
    @inline(__always)
    func honour(_ honoured: inout UInt64) {
        let deadline = until.load(ordering: .relaxed)
        guard deadline != honoured else { return }
        honoured = deadline
        while MonotonicClock.now() < deadline {}
    }
}
#endif
