/// What a managed target's process cost and how it ended, for one cell (`cells[i].target` in
/// `run.json`).
///
/// CPU time is exact (`wait4`'s `rusage` of the reaped child: all its threads, but not
/// grandchildren it did not wait for). Peak RSS is the largest `VmHWM` read from
/// `/proc/<pid>/status` while it ran (sampled every 20 ms, so a process that grows in its last
/// 20 ms before dying can be under-reported).
public struct TargetProcessResult: Sendable, Codable, Equatable {
    /// User-mode CPU seconds of the target over its whole life (start, cell, stop).
    public var userSeconds: Double
    /// Kernel-mode CPU seconds.
    public var systemSeconds: Double
    /// Peak resident set size in bytes (sampled `VmHWM`; 0 when never sampled).
    public var peakRSSBytes: Int
    /// How it ended: `exit 0`, `exit 3`, `signal 15 (SIGTERM)`, `signal 9 (SIGKILL)`.
    public var exitStatus: String
    /// Exit code when it exited by itself, else nil.
    public var exitCode: Int?
    /// The signal that ended it, else nil.
    public var signal: Int?
    /// It ended before h2stress asked it to stop (it died during the cell, or before it was ready).
    public var exitedEarly: Bool
    /// It ignored SIGTERM for the whole grace period and was killed with SIGKILL.
    public var killedAfterGrace: Bool
    /// Seconds from start until its port accepted a connection; nil when it never did.
    public var readySeconds: Double?
    /// Its stdout and stderr files, relative to the run folder (`targets/<cell>.stdout`).
    public var stdoutFile: String
    public var stderrFile: String

    /// User plus system seconds.
    public var cpuSeconds: Double { userSeconds + systemSeconds }

    /// A result.
    public init(userSeconds: Double, systemSeconds: Double, peakRSSBytes: Int, exitStatus: String, exitCode: Int?, signal: Int?,
                exitedEarly: Bool, killedAfterGrace: Bool, readySeconds: Double?, stdoutFile: String, stderrFile: String) {
        self.userSeconds = userSeconds
        self.systemSeconds = systemSeconds
        self.peakRSSBytes = peakRSSBytes
        self.exitStatus = exitStatus
        self.exitCode = exitCode
        self.signal = signal
        self.exitedEarly = exitedEarly
        self.killedAfterGrace = killedAfterGrace
        self.readySeconds = readySeconds
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }

    private enum CodingKeys: String, CodingKey {
        case cpuSeconds, userSeconds, systemSeconds, peakRSSBytes, exitStatus, exitCode, signal, exitedEarly, killedAfterGrace
        case readySeconds, stdoutFile, stderrFile
    }

    /// Encodes every field plus the derived `cpuSeconds`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(cpuSeconds.isFinite ? cpuSeconds : 0, forKey: .cpuSeconds)
        try c.encode(userSeconds, forKey: .userSeconds)
        try c.encode(systemSeconds, forKey: .systemSeconds)
        try c.encode(peakRSSBytes, forKey: .peakRSSBytes)
        try c.encode(exitStatus, forKey: .exitStatus)
        try c.encodeIfPresent(exitCode, forKey: .exitCode)
        try c.encodeIfPresent(signal, forKey: .signal)
        try c.encode(exitedEarly, forKey: .exitedEarly)
        try c.encode(killedAfterGrace, forKey: .killedAfterGrace)
        try c.encodeIfPresent(readySeconds, forKey: .readySeconds)
        try c.encode(stdoutFile, forKey: .stdoutFile)
        try c.encode(stderrFile, forKey: .stderrFile)
    }

    /// Decodes what ``encode(to:)`` writes (`cpuSeconds` is derived, not read).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        userSeconds = try c.decode(Double.self, forKey: .userSeconds)
        systemSeconds = try c.decode(Double.self, forKey: .systemSeconds)
        peakRSSBytes = try c.decode(Int.self, forKey: .peakRSSBytes)
        exitStatus = try c.decode(String.self, forKey: .exitStatus)
        exitCode = try c.decodeIfPresent(Int.self, forKey: .exitCode)
        signal = try c.decodeIfPresent(Int.self, forKey: .signal)
        exitedEarly = try c.decode(Bool.self, forKey: .exitedEarly)
        killedAfterGrace = try c.decode(Bool.self, forKey: .killedAfterGrace)
        readySeconds = try c.decodeIfPresent(Double.self, forKey: .readySeconds)
        stdoutFile = try c.decode(String.self, forKey: .stdoutFile)
        stderrFile = try c.decode(String.self, forKey: .stderrFile)
    }
}
