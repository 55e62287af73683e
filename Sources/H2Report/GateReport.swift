/// Every check of a gate evaluation, in rule order then cell order.
public struct GateReport: Sendable, Codable, Equatable {
    /// The id of the run the rules were applied to.
    public var runID: String
    /// The baseline run's id, when one was given.
    public var baselineRunID: String?
    /// The rules as written (with scope).
    public var rules: [String]
    /// One check per rule per cell (per key for baseline rules).
    public var checks: [GateCheck]
    /// Run-level remarks, e.g. "rules comparing with a baseline were skipped: no baseline given".
    public var notes: [String]

    /// Checks that failed.
    public var failures: [GateCheck] { checks.filter { $0.status == .failed } }
    /// Checks that were skipped.
    public var skipped: [GateCheck] { checks.filter { $0.status == .skipped } }
    /// True when no check failed.
    public var passed: Bool { failures.isEmpty }
}
