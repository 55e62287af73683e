import CLinux

/// Clocks, in nanoseconds.
///
/// Every interval h2stress reports comes from `CLOCK_MONOTONIC`; kernel receive timestamps are
/// `CLOCK_REALTIME`, so anything subtracted from them must use ``realtimeNanoseconds()``.
public enum MonotonicClock {
    /// `clock_gettime(CLOCK_MONOTONIC)` in ns.
    @inline(__always)
    public static func now() -> UInt64 { CLinux_monotonic_ns() }

    /// `clock_gettime(CLOCK_REALTIME)` in ns (the clock of kernel RX timestamps and server send stamps).
    @inline(__always)
    public static func realtimeNanoseconds() -> UInt64 { CLinux_realtime_ns() }

    /// CPU time consumed by the calling thread (`CLOCK_THREAD_CPUTIME_ID`) in ns.
    public static func threadCPUNanoseconds() -> UInt64 { CLinux_thread_cpu_ns() }
}

/// The process's resource usage (`getrusage(RUSAGE_SELF)`).
public struct ProcessUsage: Sendable, Equatable {
    /// User CPU time in ns.
    public var userNanoseconds: UInt64
    /// System CPU time in ns.
    public var systemNanoseconds: UInt64
    /// Peak resident set size in bytes (`ru_maxrss`), over the process's whole life so far.
    public var peakRSSBytes: UInt64

    /// Reads the current usage. The corresponding C function is `getrusage`.
    public static func current() -> ProcessUsage {
        var u: UInt64 = 0, s: UInt64 = 0, rss: UInt64 = 0
        CLinux_process_usage(&u, &s, &rss)
        let hwm = CLinux_peak_rss_bytes()
        return ProcessUsage(userNanoseconds: u, systemNanoseconds: s, peakRSSBytes: hwm > 0 ? hwm : rss)
    }

    /// The calling thread's user and system CPU time (`getrusage(RUSAGE_THREAD)`), in ns.
    public static func currentThread() -> (userNanoseconds: UInt64, systemNanoseconds: UInt64) {
        var u: UInt64 = 0, s: UInt64 = 0
        CLinux_thread_usage(&u, &s)
        return (u, s)
    }

    /// Resets the kernel's peak-RSS mark (`/proc/self/clear_refs` ← 5) so the next
    /// ``current()`` reports the peak since now (per cell). Returns false where unsupported.
    @discardableResult
    public static func resetPeakRSS() -> Bool { CLinux_reset_peak_rss() == 0 }
}
