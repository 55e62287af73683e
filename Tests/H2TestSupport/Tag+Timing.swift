import Testing

extension Tag {
    /// Tests a slow or loaded machine can fail although the code is right: measured figures
    /// compared with injected delays (ground-truth latency, wake latency, flow control), open-loop
    /// rates, deadlines raced by paced messages, keepalive PINGs, wall-time estimates against a
    /// real run. They can be run, or skipped, apart: docs/contributing.md says how and what
    /// counts.
    ///
    /// Put it on whole suites (`@Suite(.tags(.timing))`) named `…TimingTests`, and on no other:
    /// `swift test` cannot select by tag, so `--filter TimingTests` / `--skip TimingTests` select
    /// by name (``TimingTagTests`` in H2TestSupportTests checks the two agree).
    @Tag public static var timing: Self
}
