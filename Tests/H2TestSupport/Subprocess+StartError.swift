extension Subprocess {
    /// A subprocess that could not be started (`posix_spawn` failed: no such executable, …).
    public struct StartError: Error, CustomStringConvertible {
        /// The command line.
        public var commandLine: String
        /// `strerror` of the failure.
        public var reason: String

        public var description: String { "cannot start `\(commandLine)`: \(reason)" }
    }
}
