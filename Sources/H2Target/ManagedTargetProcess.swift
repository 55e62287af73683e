import Foundation
import Glibc
import H2Loop
import Synchronization

/// One managed target's process: started with `posix_spawnp` (``ChildSpawn``) in its own process group, its
/// stdout and stderr written to files, watched by a monitor thread that samples its peak RSS
/// and reaps it with `wait4` (so its CPU time is exact) the moment it exits.
///
/// Threading: `Sendable`; ``exit``, ``stop(grace:)`` and ``forceStop()`` may be called from any
/// thread. The monitor thread is the only caller of `wait4` for this pid.
/// Invariants: the child is reaped exactly once, by the monitor; signals are only sent (to the
/// process group) while it has not been reaped, so a recycled pid is never signalled.
final class ManagedTargetProcess: Sendable {
    /// How the process ended.
    struct Exit: Sendable {
        var exitCode: Int32?
        var signal: Int32?
        var userSeconds: Double
        var systemSeconds: Double
        /// It ended before ``stop(grace:)`` was called.
        var early: Bool
        var killedAfterGrace: Bool

        /// `exit 3`, `signal 15 (SIGTERM)`.
        var statusText: String {
            if let exitCode { return "exit \(exitCode)" }
            if let signal {
                let names: [Int32: String] = [SIGTERM: "SIGTERM", SIGKILL: "SIGKILL", SIGINT: "SIGINT", SIGSEGV: "SIGSEGV",
                                              SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGPIPE: "SIGPIPE", SIGHUP: "SIGHUP"]
                return "signal \(signal)" + (names[signal].map { " (\($0))" } ?? "")
            }
            return "unknown"
        }
    }

    private struct State {
        var peakRSSBytes = 0
        var exit: Exit?
        var stopRequested = false
        var killedAfterGrace = false
    }

    /// The child's pid (also its process group id).
    let pid: pid_t
    private let state = Mutex(State())
    private let exited = DispatchSemaphore(value: 0)

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `arguments[0]` (looked up on `PATH`) with `arguments`, the harness's environment plus
    /// `environment`, stdin from `/dev/null`, stdout and stderr into the given files (created or
    /// truncated). The child gets its own process group, an empty signal mask and default signal
    /// handling (``ChildSpawn``).
    static func spawn(arguments: [String], environment: [String: String], stdoutPath: String,
                      stderrPath: String) throws(TargetError) -> ManagedTargetProcess {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let spawned = ChildSpawn.spawn(arguments: arguments, searchPath: true,
                                       environment: env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" },
                                       ownProcessGroup: true,
                                       fileActions: [.open(target: 0, path: "/dev/null", flags: O_RDONLY),
                                                     .open(target: 1, path: stdoutPath, flags: O_WRONLY | O_CREAT | O_TRUNC),
                                                     .open(target: 2, path: stderrPath, flags: O_WRONLY | O_CREAT | O_TRUNC)])
        // Other descriptors do not leak into the target: H2Loop opens every socket, epoll, eventfd
        // and timerfd with CLOEXEC.
        let pid: pid_t
        switch spawned {
        case .success(let started): pid = started
        case .failure(let error):
            let hint = error.code == ENOENT ? " (not found: is it installed, and on PATH or given with its path?)" : ""
            throw TargetError("cannot start `\(arguments[0])`: \(error)\(hint)")
        }
        let process = ManagedTargetProcess(pid: pid)
        Thread.detachNewThread { process.monitor() }
        return process
    }

    /// How it ended, once it has (nil while it runs).
    var exit: Exit? { state.withLock { $0.exit } }

    /// Peak RSS sampled so far, in bytes.
    var peakRSSBytes: Int { state.withLock { $0.peakRSSBytes } }

    /// Asks it to stop: SIGTERM to its process group, SIGKILL once `grace` (ns) has passed, then
    /// waits for the monitor to reap it (at most 10 s more; a process that survives SIGKILL is
    /// reported with an unknown status).
    func stop(grace: UInt64) -> Exit {
        let alreadyExited = state.withLock { s -> Bool in
            s.stopRequested = true
            return s.exit != nil
        }
        if !alreadyExited {
            signalGroup(SIGTERM)
            if exited.wait(timeout: .now() + .nanoseconds(Int(clamping: grace))) == .timedOut {
                state.withLock { $0.killedAfterGrace = $0.exit == nil }
                signalGroup(SIGKILL)
                _ = exited.wait(timeout: .now() + .seconds(10))
            }
        }
        return state.withLock { s in
            var exit = s.exit ?? Exit(exitCode: nil, signal: nil, userSeconds: 0, systemSeconds: 0, early: false, killedAfterGrace: true)
            exit.killedAfterGrace = s.killedAfterGrace
            return exit
        }
    }

    /// Sends `signal` to the process group while the process has not been reaped.
    private func signalGroup(_ signal: Int32) {
        state.withLock { s in
            if s.exit == nil { kill(-pid, signal) }
        }
    }

    /// The monitor thread: samples `VmHWM` and polls `wait4` every 20 ms until the child exits.
    private func monitor() {
        while true {
            let rss = ProcessUsage.peakRSSBytes(ofProcess: pid)
            if let reaped = ChildSpawn.reapIfExited(pid) {
                state.withLock { s in
                    s.peakRSSBytes = max(s.peakRSSBytes, rss)
                    s.exit = Exit(exitCode: reaped.exitCode, signal: reaped.signal, userSeconds: reaped.userSeconds,
                                  systemSeconds: reaped.systemSeconds, early: !s.stopRequested, killedAfterGrace: false)
                }
                exited.signal()
                return
            }
            state.withLock { $0.peakRSSBytes = max($0.peakRSSBytes, rss) }
            usleep(20_000)
        }
    }

}
