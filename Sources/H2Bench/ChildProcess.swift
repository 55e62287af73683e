import Glibc
import H2Loop

/// A child process started with `posix_spawn`, its stdout and stderr joined into one pipe that
/// the parent reads, reaped with `wait4` so its CPU time and peak RSS are known exactly.
///
/// Used by `h2stress bench` for `h2load` and for the `h2stress serve` target.
///
/// Threading: owned by the thread that spawned it; not `Sendable`.
/// Invariants: the child is reaped exactly once (by ``wait(deadline:)``); after that `readFD` is
/// closed and ``output`` holds everything the child wrote.
final class ChildProcess {
    /// How the child ended and what it cost (`wait4`'s status and `rusage`).
    struct Exit: Sendable, Codable {
        /// Exit code when it exited normally, else nil.
        var exitCode: Int32?
        /// The signal that ended it, else nil.
        var signal: Int32?
        /// User-mode CPU seconds of the child (all its threads).
        var userSeconds: Double
        /// Kernel-mode CPU seconds of the child.
        var systemSeconds: Double
        /// Peak resident set size in bytes: the last `VmHWM` sampled from `/proc/<pid>/status`
        /// (every ≤ 50 ms while waiting). Not `ru_maxrss`: glibc's `posix_spawn` runs the child on
        /// the parent's address space until `exec` (CLONE_VM), so `ru_maxrss` reports at least the
        /// parent's RSS. 0 when never sampled.
        var peakRSSBytes: Int
        /// The parent killed it with SIGKILL because it ran past its deadline.
        var killedAfterDeadline: Bool

        /// User plus system seconds.
        var cpuSeconds: Double { userSeconds + systemSeconds }
        /// Exited by itself with status 0.
        var succeeded: Bool { exitCode == 0 }
        /// `exit 3` or `signal 9`.
        var statusText: String { exitCode.map { "exit \($0)" } ?? "signal \(signal ?? 0)" }
    }

    /// The child's process id.
    let pid: pid_t
    /// Everything read so far from the child's stdout + stderr.
    private(set) var output: [UInt8] = []
    private var readFD: Int32
    private var exit: Exit?

    private init(pid: pid_t, readFD: Int32) {
        self.pid = pid
        self.readFD = readFD
    }

    deinit {
        if exit == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        if readFD >= 0 { close(readFD) }
    }

    /// Starts `executable` (an absolute path) with `arguments`, stdout and stderr into one pipe
    /// (``ChildSpawn/spawn(arguments:searchPath:environment:ownProcessGroup:fileActions:)``: empty
    /// signal mask, default signal handling).
    static func spawn(executable: String, arguments: [String]) throws(BenchError) -> ChildProcess {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw BenchError("pipe() failed: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        let spawned = ChildSpawn.spawn(arguments: [executable] + arguments, searchPath: false,
                                       fileActions: [.close(fds[0]), .duplicate(fds[1], to: 1), .duplicate(fds[1], to: 2), .close(fds[1])])
        close(fds[1])
        switch spawned {
        case .success(let pid):
            return ChildProcess(pid: pid, readFD: fds[0])
        case .failure(let error):
            close(fds[0])
            throw BenchError("cannot start `\(executable)`: \(error)")
        }
    }

    /// The output so far as text.
    var outputText: String { String(decoding: output, as: UTF8.self) }

    /// Reads output until a line containing `marker` has arrived, the child closes its output,
    /// or `deadline` (monotonic ns) passes. Returns that line (without the newline), or nil.
    func waitForLine(containing marker: String, deadline: UInt64) -> String? {
        while true {
            if let line = outputText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .first(where: { $0.contains(marker) }) {
                return String(line)
            }
            let now = MonotonicClock.now()
            guard now < deadline, readFD >= 0 else { return nil }
            if readAvailable(timeoutMilliseconds: Int32(min(100, (deadline - now) / 1_000_000 + 1))) == .endOfFile { return nil }
        }
    }

    /// Sends `signal` to the child (ignored once it has been reaped).
    func send(_ signal: Int32) {
        if exit == nil { kill(pid, signal) }
    }

    /// Reads the child's output until it exits and reaps it. If it is still running at
    /// `deadline` (monotonic ns) it is killed with SIGKILL. The corresponding C function is `wait4`.
    func wait(deadline: UInt64) -> Exit {
        if let exit { return exit }
        var killed = false
        var sampledPeak = 0
        while true {
            sampledPeak = max(sampledPeak, ProcessUsage.peakRSSBytes(ofProcess: pid))
            if let reaped = ChildSpawn.reapIfExited(pid) {
                while readFD >= 0 && readAvailable(timeoutMilliseconds: 0) == .data {}
                if readFD >= 0 {
                    close(readFD)
                    readFD = -1
                }
                let done = Exit(exitCode: reaped.exitCode, signal: reaped.signal, userSeconds: reaped.userSeconds,
                                systemSeconds: reaped.systemSeconds, peakRSSBytes: sampledPeak, killedAfterDeadline: killed)
                exit = done
                return done
            }
            if !killed && MonotonicClock.now() >= deadline {
                kill(pid, SIGKILL)
                killed = true
            }
            if readFD >= 0 {
                _ = readAvailable(timeoutMilliseconds: 50)
            } else {
                usleep(50_000)
            }
        }
    }

    private enum ReadResult { case data, nothing, endOfFile }

    /// Waits up to `timeoutMilliseconds` for output and appends what is there. At end of file
    /// the read end is closed.
    private func readAvailable(timeoutMilliseconds: Int32) -> ReadResult {
        var p = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
        let ready = poll(&p, 1, timeoutMilliseconds)
        guard ready > 0 else { return .nothing }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
        if n > 0 {
            output.append(contentsOf: chunk[0..<n])
            return .data
        }
        if n < 0 && errno == EINTR { return .nothing }
        close(readFD)
        readFD = -1
        return .endOfFile
    }

}
