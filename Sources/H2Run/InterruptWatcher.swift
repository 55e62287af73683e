import Foundation
import Glibc
import H2Report
import H2Profile

/// Turns Ctrl-C (SIGINT) and SIGTERM into an orderly stop: the first signal interrupts the run
/// (every loop stops, what was measured is written); a second one exits at once with 130.
///
/// Signals are blocked in every thread (the mask is inherited by threads spawned later) and
/// received synchronously by one dedicated thread with `sigwait`, so no code runs in a signal
/// handler.
public enum InterruptWatcher {
    /// Blocks SIGINT/SIGTERM process-wide and starts the waiting thread. Call before any
    /// other thread is spawned.
    public static func install(onInterrupt: @escaping @Sendable () -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let thread = Thread {
            var count = 0
            while true {
                var signal: Int32 = 0
                var waitSet = sigset_t()
                sigemptyset(&waitSet)
                sigaddset(&waitSet, SIGINT)
                sigaddset(&waitSet, SIGTERM)
                guard sigwait(&waitSet, &signal) == 0 else { continue }
                count += 1
                if count == 1 {
                    Terminal.note("\ninterrupted — stopping and writing what was measured (Ctrl-C again to quit at once)")
                    onInterrupt()
                } else {
                    _exit(130)
                }
            }
        }
        thread.name = "h2s-signals"
        thread.start()
    }

    /// Blocks SIGINT/SIGTERM in the calling thread and every thread it spawns afterwards.
    public static func block() {
        var set = signalSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits (after ``block()``) until SIGINT or SIGTERM arrives, or `timeout` passes when given.
    public static func waitForSignal(timeout: TimeSpan? = nil) {
        var set = signalSet()
        if let timeout {
            var ts = timespec(tv_sec: Int(timeout.nanoseconds / 1_000_000_000), tv_nsec: Int(timeout.nanoseconds % 1_000_000_000))
            _ = sigtimedwait(&set, nil, &ts)
        } else {
            var signal: Int32 = 0
            _ = sigwait(&set, &signal)
        }
    }

    private static func signalSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }
}

