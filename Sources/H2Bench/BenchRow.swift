/// One line of the `h2stress bench` table: one client in one scenario.
///
/// Definitions (units are decimal: MB = 10^6 bytes, GB = 10^9 bytes):
/// - `bodyBytes`: response DATA payload received during the measured window (after warm-up).
/// - `megabytesPerSecond`: `bodyBytes / measuredSeconds / 10^6`.
/// - `requestsPerSecond`: completed responses per second of the measured window, as each tool
///   counts them (h2load: responses finished in the window; h2stress: streams started and
///   finished in the window — lower for long streams; for the 10k scenario: messages/s).
/// - `cpuSecondsPerGB`: the client's CPU (user + sys) over its whole run, warm-up and connection
///   setup included, divided by the DATA bytes the server sent over that same whole run / 10^9.
///   h2load: `wait4` rusage of the h2load process; h2stress: `getrusage(RUSAGE_THREAD)` of the
///   driver thread(s). Same numerator window and the same server-side denominator for both.
///   Against an external `--target` there is no server-side count: each client's own count of
///   DATA bytes over its whole run (no warm-up then) is the denominator.
struct BenchRow: Sendable, Codable {
    var scenario: String
    var client: String
    var measuredSeconds: Double
    var bodyBytes: Int
    var megabytesPerSecond: Double
    var requestsPerSecond: Double
    var cpuUserSeconds: Double
    var cpuSystemSeconds: Double
    /// DATA payload bytes the server sent over the client's whole run (from `h2stress serve`).
    var bytesServedWholeRun: Int?
    var cpuSecondsPerGB: Double?
    /// This row's `cpuSecondsPerGB` divided by h2load's in the same scenario.
    var ratioToH2load: Double?
    /// Peak RSS of the client: h2load's VmHWM (sampled, see `ChildProcess.Exit`); h2stress: the bench process's VmHWM since
    /// the scenario began (the server is a separate process).
    var peakRSSBytes: Int
    /// CPU seconds of the server process over the same run.
    var serverCPUSeconds: Double?
    /// h2stress only: CPU seconds of the whole bench process during the driver run (all threads;
    /// a cross-check that the driver thread's figure misses nothing).
    var processCPUSeconds: Double?
    /// Streams or requests that did not complete cleanly.
    var failures: Int
    /// Response DATA bytes of one stream, in the download-like scenarios (for ``cpuMicrosecondsPerStream``).
    var bytesPerStream: Int?
    var notes: [String] = []

    /// A small-stream row (at most 1 KiB per stream): its ratio is read as CPU per stream (the
    /// same ratio as per GB, since both clients fetch the same responses).
    var isSmallStreams: Bool { (bytesPerStream ?? Int.max) <= 1024 }

    /// Client CPU seconds, user + sys.
    var cpuSeconds: Double { cpuUserSeconds + cpuSystemSeconds }

    /// Client CPU per stream, µs: CPU-s per GB × the bytes of one stream (both clients fetch the
    /// same responses, so the ratio of two rows is their CPU-s/GB ratio).
    var cpuMicrosecondsPerStream: Double? {
        guard let perGB = cpuSecondsPerGB, let bytes = bytesPerStream else { return nil }
        return perGB * Double(bytes) / 1e9 * 1e6
    }
}
