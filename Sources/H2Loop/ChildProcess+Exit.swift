import Glibc

extension ChildProcess {
    /// How a child process ended and what it cost: `wait4`'s status and `rusage`, the peak RSS
    /// sampled while it ran, and whether h2stress had to kill it.
    public struct Exit: Sendable, Equatable {
        /// Exit code when it exited by itself, else nil.
        public var exitCode: Int32?
        /// The signal that ended it, else nil. Neither is set when the status is unknown (the
        /// pid was reaped by someone else, or the child outlived SIGKILL by 10 s).
        public var signal: Int32?
        /// User-mode CPU seconds of the child, all its threads (`wait4`'s `ru_utime`; not
        /// grandchildren it did not wait for).
        public var userSeconds: Double
        /// Kernel-mode CPU seconds (`ru_stime`).
        public var systemSeconds: Double
        /// Peak resident set size in bytes: the largest `VmHWM` read from `/proc/<pid>/status`
        /// while it ran (at its start, every ≤ 20 ms, and when it is stopped or killed). Not
        /// `ru_maxrss`: glibc's `posix_spawn` runs the child on the parent's address space until
        /// `exec` (CLONE_VM), so `ru_maxrss` reports at least the parent's RSS. 0 when never
        /// sampled.
        public var peakRSSBytes: Int
        /// It ended before ``ChildProcess/stop(grace:)`` asked it to: by itself (a command that
        /// runs to completion, or a server that died), or killed by someone else.
        public var exitedEarly: Bool
        /// h2stress killed it with SIGKILL because it was still running when its time ran out:
        /// the grace after SIGTERM of ``ChildProcess/stop(grace:)``, or the deadline of
        /// ``ChildProcess/wait(deadline:)``.
        public var killedAfterGrace: Bool

        /// User plus system seconds.
        public var cpuSeconds: Double { userSeconds + systemSeconds }

        /// Exited by itself with status 0.
        public var succeeded: Bool { exitCode == 0 }

        /// `exit 3`, `signal 15 (SIGTERM)`, `signal 42`, or `unknown`.
        public var statusText: String {
            if let exitCode { return "exit \(exitCode)" }
            if let signal { return "signal \(signal)" + (Self.signalNames[signal].map { " (\($0))" } ?? "") }
            return "unknown"
        }

        /// Names of the signals a child commonly dies of.
        private static let signalNames: [Int32: String] = [
            SIGTERM: "SIGTERM", SIGKILL: "SIGKILL", SIGINT: "SIGINT", SIGSEGV: "SIGSEGV",
            SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGPIPE: "SIGPIPE", SIGHUP: "SIGHUP",
        ]

        /// An end with neither code nor signal and no CPU time.
        static func unknown(peakRSSBytes: Int, exitedEarly: Bool, killedAfterGrace: Bool) -> Exit {
            Exit(exitCode: nil, signal: nil, userSeconds: 0, systemSeconds: 0, peakRSSBytes: peakRSSBytes,
                 exitedEarly: exitedEarly, killedAfterGrace: killedAfterGrace)
        }
    }
}
