import H2Profile
/// What a managed target's process was started as, what it cost and how it ended, for one cell
/// (`cells[i].target` in `run.json`).
///
/// CPU time is exact (`wait4`'s `rusage` of the reaped child: all its threads, but not
/// grandchildren it did not wait for). Peak RSS is the largest `VmHWM` read from
/// `/proc/<pid>/status` while it ran (sampled every 20 ms and once more when h2stress stops it,
/// so a process that grows in its last 20 ms before dying by itself can be under-reported).
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
    /// The program and arguments it was started with: the profile's `target.command` with this
    /// cell's placeholders substituted. nil in files written before it was recorded.
    public var command: [String]?
    /// The environment variables h2stress set for it on top of its own environment: the
    /// profile's `target.env`, substituted (e.g. `GOMAXPROCS`). nil in older files.
    public var env: [String: String]?
    /// The port on 127.0.0.1 it was to listen on (`ready.port`, or the one passed as `{port}`).
    /// nil in older files.
    public var port: Int?

    /// User plus system seconds.
    public var cpuSeconds: Double { userSeconds + systemSeconds }

    /// A result.
    public init(userSeconds: Double, systemSeconds: Double, peakRSSBytes: Int, exitStatus: String, exitCode: Int?, signal: Int?,
                exitedEarly: Bool, killedAfterGrace: Bool, readySeconds: Double?, stdoutFile: String, stderrFile: String,
                command: [String]? = nil, env: [String: String]? = nil, port: Int? = nil) {
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
        self.command = command
        self.env = env
        self.port = port
    }

    /// ``command`` as one line, each argument quoted as a shell would need it (for reports and
    /// messages; nothing is run by a shell); nil when not recorded.
    public var commandLine: String? {
        command.map(TargetCommandTemplate.commandLine)
    }

    /// ``env`` as `NAME=value` pairs sorted by name, values quoted like ``commandLine``; nil when
    /// not recorded, empty when no variable was set.
    public var envText: String? {
        env.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\(TargetCommandTemplate.shellQuoted($0.value))" }.joined(separator: " ") }
    }

    private enum CodingKeys: String, CodingKey {
        case cpuSeconds, userSeconds, systemSeconds, peakRSSBytes, exitStatus, exitCode, signal, exitedEarly, killedAfterGrace
        case readySeconds, stdoutFile, stderrFile, command, env, port
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
        try c.encodeIfPresent(command, forKey: .command)
        try c.encodeIfPresent(env, forKey: .env)
        try c.encodeIfPresent(port, forKey: .port)
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
        command = try c.decodeIfPresent([String].self, forKey: .command)
        env = try c.decodeIfPresent([String: String].self, forKey: .env)
        port = try c.decodeIfPresent(Int.self, forKey: .port)
    }
}
