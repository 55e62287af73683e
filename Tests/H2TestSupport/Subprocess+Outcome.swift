extension Subprocess {
    /// How a command run to completion ended, with everything it printed.
    public struct Outcome: Sendable, CustomStringConvertible {
        /// Exit status, or the signal number when a signal ended it.
        public var status: Int32
        /// The deadline passed and the child was killed (SIGKILL).
        public var timedOut: Bool
        /// Everything it wrote to stdout.
        public var stdout: String
        /// Everything it wrote to stderr.
        public var stderr: String
        /// The command line, for failure messages.
        public var commandLine: String

        /// stdout followed by stderr (for tools whose messages may go to either).
        public var output: String { stdout + stderr }

        public var description: String {
            "`\(commandLine)` → status \(status)\(timedOut ? " (killed at the deadline)" : "")\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
        }
    }
}
