import CLinux
import Glibc

/// A child process: started with `posix_spawn(p)`, its output sent to files or captured from
/// pipes, watched by a monitor thread that samples its peak RSS and reaps it with `wait4` (so
/// its CPU time is exact) the moment it exits, and stopped with SIGTERM, a grace period, then
/// SIGKILL.
///
/// Every child h2stress runs is one: the bench's `h2load` and `h2stress serve`, a managed
/// target (`target: {command: […]}`), and the tests' subprocesses. How it ended is an
/// ``Exit``.
///
/// The child gets an empty signal mask and default SIGINT/SIGTERM/SIGPIPE/SIGHUP handling
/// whatever the parent blocked or ignored. Descriptors the parent opened with `CLOEXEC` (every
/// socket, epoll, eventfd, timerfd and pipe of H2Loop) do not leak into it.
///
/// Threading: `Sendable`; every method may be called from any thread, and several threads may
/// wait at once. The monitor thread is the only reader of the captured pipes and the only
/// caller of `wait4` for this pid.
/// Invariants: the child is reaped exactly once, by the monitor, under the lock that signals
/// are sent under, so a recycled pid is never signalled. Releasing the last reference to a
/// child that still runs kills it (SIGKILL); the monitor then reaps it and ends.
public final class ChildProcess: Sendable {
    /// The child's process id (also its process group id with `ownProcessGroup`).
    public let pid: pid_t
    /// Signals go to the child's process group (`kill(-pid, …)`), reaching its children too.
    public let ownsProcessGroup: Bool
    /// Shared with the monitor thread.
    let shared: ConditionLock<State>

    private init(pid: pid_t, ownsProcessGroup: Bool, shared: ConditionLock<State>) {
        self.pid = pid
        self.ownsProcessGroup = ownsProcessGroup
        self.shared = shared
    }

    deinit {
        signalUnlessReaped(SIGKILL)
    }

    /// Starts `arguments[0]` with `arguments`: an absolute or relative path, or with
    /// `searchPath` a name looked up on `PATH`.
    ///
    /// - Parameters:
    ///   - environment: exactly these variables (nil: the parent's environment).
    ///   - directory: the child's working directory (nil: the parent's).
    ///   - ownProcessGroup: a process group of its own, so ``send(_:)``, ``stop(grace:)`` and
    ///     the kill at a deadline reach whatever it starts in turn.
    ///   - stdin, stdout, stderr: where its standard streams come from and go.
    /// - Throws: ``SpawnError`` with the `errno` of the failed `posix_spawn` (`ENOENT`: not
    ///   found) or `pipe2`.
    public static func spawn(
        arguments: [String], searchPath: Bool = false, environment: [String: String]? = nil, directory: String? = nil,
        ownProcessGroup: Bool = false, stdin: Input = .inherit, stdout: Output = .inherit, stderr: Output = .inherit
    ) throws(SpawnError) -> ChildProcess {
        precondition(stdout != .standardOutput, "BUG DETECTED: stdout cannot be sent to itself")
        var actions: [FileAction] = []
        if stdin == .null { actions.append(.open(target: 0, path: "/dev/null", flags: O_RDONLY)) }
        var readEnds: [Int32] = [-1, -1]
        var writeEnds: [Int32] = []
        defer { for fd in writeEnds { close(fd) } }
        for (index, output) in [stdout, stderr].enumerated() {
            let target = Int32(index + 1)
            switch output {
            case .inherit: break
            case .null: actions.append(.open(target: target, path: "/dev/null", flags: O_WRONLY))
            case .file(let path): actions.append(.open(target: target, path: path, flags: O_WRONLY | O_CREAT | O_TRUNC))
            case .standardOutput: actions.append(.duplicate(1, to: 2))
            case .capture:
                var fds: [Int32] = [-1, -1]
                guard CLinux_pipe_for_child(&fds) == 0 else {
                    let code = errno
                    for fd in readEnds where fd >= 0 { close(fd) }
                    throw SpawnError(code: code)
                }
                readEnds[index] = fds[0]
                writeEnds.append(fds[1])
                // dup2 onto 1 or 2 clears CLOEXEC there; the CLOEXEC originals close at exec.
                actions.append(.duplicate(fds[1], to: target))
            }
        }
        if let directory { actions.append(.changeDirectory(directory)) }

        let variables = environment.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } }
        let pid: pid_t
        switch posixSpawn(arguments: arguments, searchPath: searchPath, environment: variables,
                          ownProcessGroup: ownProcessGroup, fileActions: actions) {
        case .success(let started): pid = started
        case .failure(let error):
            for fd in readEnds where fd >= 0 { close(fd) }
            throw error
        }
        let shared = ConditionLock(State(capturing: readEnds.map { $0 >= 0 }))
        let pipes = readEnds
        WorkerThread<Void>.detach(name: "h2s-child-\(pid)") {
            monitor(pid: pid, readEnds: pipes, shared: shared)
        }
        return ChildProcess(pid: pid, ownsProcessGroup: ownProcessGroup, shared: shared)
    }

    // MARK: What it did

    /// How it ended, once it has and its output has been read (nil while it runs).
    public var exit: Exit? { shared.withLock { $0.exit } }

    /// Peak RSS sampled so far, in bytes (see ``Exit/peakRSSBytes``).
    public var peakRSSBytes: Int { shared.withLock { $0.peakRSSBytes } }

    /// Everything read so far from its standard output (``Output/capture``; with stderr
    /// ``Output/standardOutput``, both streams interleaved).
    public var standardOutput: [UInt8] { shared.withLock { $0.captured[0] } }

    /// Everything read so far from its standard error (``Output/capture``).
    public var standardError: [UInt8] { shared.withLock { $0.captured[1] } }

    /// ``standardOutput`` as UTF-8 text (invalid bytes replaced).
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }

    /// ``standardError`` as UTF-8 text (invalid bytes replaced).
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }

    /// Waits until a complete line (ended by a newline) containing `marker` has arrived on the
    /// captured standard output (standard error with `onStandardError`) and returns it without
    /// the newline; nil when that output ends without one (the child closed it, or exited) or
    /// `deadline` (monotonic ns) passes.
    public func line(containing marker: String, deadline: UInt64, onStandardError: Bool = false) -> String? {
        let stream = onStandardError ? 1 : 0
        let found: String?? = shared.wait(until: deadline) { s in
            if let line = Self.firstCompleteLine(in: s.captured[stream], containing: marker) { return .some(line) }
            return s.capturing[stream] && !s.finished ? nil : .some(nil)
        }
        return found ?? nil
    }

    // MARK: Waiting and stopping

    /// Sends `signal` to the child, or its process group with `ownProcessGroup` (ignored once
    /// it has been reaped).
    public func send(_ signal: Int32) {
        signalUnlessReaped(signal)
    }

    /// Waits until it has ended, or `deadline` (monotonic ns) passes (→ nil; it keeps running).
    public func waitForExit(until deadline: UInt64) -> Exit? {
        shared.wait(until: deadline) { $0.exit }
    }

    /// Waits until it has ended; if it still runs at `deadline` (monotonic ns) it is killed with
    /// SIGKILL (``Exit/killedAfterGrace``) and waited for ≤ 10 s more. A child that outlives
    /// SIGKILL by that long comes back with an unknown status.
    public func wait(deadline: UInt64) -> Exit {
        if let exit = waitForExit(until: deadline) { return exit }
        shared.withLock { s in
            guard s.reaped == nil else { return }
            s.peakRSSBytes = max(s.peakRSSBytes, ProcessUsage.peakRSSBytes(ofProcess: pid))
            s.killedAfterGrace = true
            kill(ownsProcessGroup ? -pid : pid, SIGKILL)
        }
        if let exit = waitForExit(until: MonotonicClock.now() + Self.afterKillNanoseconds) { return exit }
        return shared.withLock { s in
            .unknown(peakRSSBytes: s.peakRSSBytes, exitedEarly: false, killedAfterGrace: true)
        }
    }

    /// Asks it to stop: samples its peak RSS once more, then SIGTERM (to its process group with
    /// `ownProcessGroup`), SIGKILL once
    /// `grace` (ns) has passed, then waits for it (``wait(deadline:)``). A child that had
    /// already ended is not signalled and reports ``Exit/exitedEarly``.
    public func stop(grace: UInt64) -> Exit {
        shared.withLock { s in
            s.stopRequested = true
            guard s.reaped == nil else { return }
            // A last sample while it surely runs: a child that lived less than the monitor's
            // 20 ms interval would otherwise report no peak at all.
            s.peakRSSBytes = max(s.peakRSSBytes, ProcessUsage.peakRSSBytes(ofProcess: pid))
            kill(ownsProcessGroup ? -pid : pid, SIGTERM)
        }
        return wait(deadline: MonotonicClock.now() + grace)
    }

    /// How long ``wait(deadline:)`` waits for the reaping after SIGKILL.
    static let afterKillNanoseconds: UInt64 = 10_000_000_000

    private func signalUnlessReaped(_ signal: Int32) {
        let target = ownsProcessGroup ? -pid : pid
        shared.withLock { s in
            if s.reaped == nil { kill(target, signal) }
        }
    }

    /// The first complete line of `bytes` containing `marker`.
    private static func firstCompleteLine(in bytes: [UInt8], containing marker: String) -> String? {
        guard let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: bytes[..<lastNewline], as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .first { $0.contains(marker) }
            .map(String.init)
    }
}
