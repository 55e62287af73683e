/// The result of one gate rule on one cell (absolute rules) or one key's repeats (baseline rules): one
/// JUnit test case.
public struct GateCheck: Sendable, Codable, Equatable {
    /// How the check ended.
    public enum Status: String, Sendable, Codable {
        /// The rule holds.
        case passed
        /// The rule does not hold (for baseline rules: a significant regression, or a direct comparison
        /// when repeats do not allow a test).
        case failed
        /// The rule could not be applied (figure not measured, no baseline cell, no baseline given).
        case skipped
    }

    /// The rule as written, with its scope.
    public var rule: String
    /// The rule's metric name (``GateMetric/name``), the unit of the figures below.
    public var metric: String
    /// The cell id (absolute rules) or the key `variant/tN/sM` (baseline rules).
    public var cell: String
    /// The cell's variant.
    public var variant: String
    /// The outcome.
    public var status: Status
    /// The measured value (for baseline rules: the median over repeats), in the metric's unit.
    public var measured: Double?
    /// The bound the value was compared with (for baseline rules: factor × baseline median).
    public var bound: Double?
    /// The baseline median, for baseline rules.
    public var baseline: Double?
    /// Mann–Whitney p-value, when a baseline rule's test ran.
    public var p: Double?
    /// One sentence for people: what was measured against what, and why it passed, failed or was skipped.
    public var message: String
}
