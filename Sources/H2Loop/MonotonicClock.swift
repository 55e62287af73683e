import CLinux
import Glibc

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

    /// Peak resident set (`VmHWM` of `/proc/<pid>/status`) of another process, in bytes; 0 when
    /// unreadable (e.g. a zombie). Sampled by the harnesses that run child processes, because
    /// `wait4`'s `ru_maxrss` can report the parent's size after a `posix_spawn`.
    public static func peakRSSBytes(ofProcess pid: Int32) -> Int {
        statusBytes("VmHWM:", ofProcess: pid)
    }

    /// Current resident set (`VmRSS` of `/proc/<pid>/status`) of a process, in bytes; 0 when
    /// unreadable. The soak samples its own with it.
    public static func residentBytes(ofProcess pid: Int32) -> Int {
        statusBytes("VmRSS:", ofProcess: pid)
    }

    /// A `kB` field of `/proc/<pid>/status` (`VmHWM:`, `VmRSS:`), in bytes; 0 when unreadable.
    private static func statusBytes(_ field: String, ofProcess pid: Int32) -> Int {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return 0 }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kib = Int(line.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") else { return 0 }
        return kib * 1024
    }

    /// Resets the kernel's peak-RSS mark (`/proc/self/clear_refs` ← 5) so the next
    /// ``current()`` reports the peak since now (per cell). Returns false where unsupported.
    @discardableResult
    public static func resetPeakRSS() -> Bool { CLinux_reset_peak_rss() == 0 }
}
