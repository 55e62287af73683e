extension ChildProcess {
    /// Where a child's standard input comes from.
    public enum Input: Sendable, Equatable {
        /// The parent's standard input.
        case inherit
        /// `/dev/null`: reads end at once.
        case null
    }

    /// Where a child's standard output or standard error goes.
    public enum Output: Sendable, Equatable {
        /// The parent's descriptor.
        case inherit
        /// `/dev/null`.
        case null
        /// A file, created (mode 0644) or truncated.
        case file(String)
        /// A pipe the monitor thread reads into memory as it arrives, both streams at the same
        /// time (so a child never blocks on a full pipe): ``ChildProcess/standardOutput`` /
        /// ``ChildProcess/standardError``.
        case capture
        /// Standard error only: the same descriptor as standard output (a `dup2(1, 2)`), so both
        /// land in one file or one captured buffer, interleaved as written.
        case standardOutput
    }
}
