/// The verdict on one figure's change from a baseline to a candidate, in the figure's own sense of
/// "better" (higher throughput, lower latency and failure counts).
public enum CompareVerdict: String, Sendable, Codable, Equatable {
    /// Significantly better (p < alpha).
    case better
    /// Significantly worse (p < alpha).
    case worse
    /// The test found no significant difference at alpha.
    case noSignificantDifference = "no significant difference"
    /// Too few repeats for the test to reach alpha (a single repeat, or e.g. 3 vs 3 whose smallest
    /// two-sided p is 0.1): no significance can be claimed.
    case notEnoughRepeats = "not enough repeats"
    /// One side did not measure the figure.
    case notMeasured = "not measured"
}
