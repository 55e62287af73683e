#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import H2Driver

/// Waiting for a wall-clock instant (a slot of a ``StartSchedule``) without a busy loop.
///
/// The wait sleeps on the monotonic clock (`clock_nanosleep(CLOCK_MONOTONIC)`) in steps of at
/// most ``stepNanoseconds``, reading the wall clock again before each step, so a clock step
/// (NTP) during the wait is followed and Ctrl-C ends the wait within one step. It never waits
/// longer than the distance to the instant measured before the last step.
enum SlotWait {
    /// The longest single sleep: how quickly a wait notices Ctrl-C or a wall-clock step.
    static let stepNanoseconds: Int64 = 200_000_000

    /// Returns at `instant` by the wall clock, or at once when it has passed or `control` is interrupted.
    static func until(_ instant: Date, control: RunControl) {
        while !control.isInterrupted {
            let remaining = Int64((instant.timeIntervalSinceNow * 1e9).rounded(.up))
            if remaining <= 0 { return }
            let step = min(remaining, stepNanoseconds)
            var request = timespec(tv_sec: Int(step / 1_000_000_000), tv_nsec: Int(step % 1_000_000_000))
            // EINTR (a signal) just means: look at the clock and the interrupt flag again.
            _ = clock_nanosleep(CLOCK_MONOTONIC, 0, &request, nil)
        }
    }
}
