import Testing

extension Tag {
    /// Tests whose assertions depend on wall-clock time or on scheduling: injected delays
    /// measured back (ground-truth latency), keepalive and deadline timing, wake latency, wall
    /// time estimates, grace periods. They are the ones a loaded machine can make flaky, so
    /// they can be run, or skipped, apart: docs/contributing.md says how.
    ///
    /// Every suite with this tag is also named `…TimingTests` (or holds only such tests), so a
    /// name filter selects the same tests where tags cannot be selected from the command line.
    @Tag public static var timing: Self
}
