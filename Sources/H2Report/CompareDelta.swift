import H2Profile
import H2Results

/// One figure compared between a baseline and a candidate group of repeats: medians, 95 % bootstrap
/// intervals, absolute and relative delta, the Mann–Whitney p-value and the verdict.
public struct CompareDelta: Sendable, Codable, Equatable {
    /// The figure (a ``GateMetric`` name, e.g. `wakePoll.p99`).
    public var figure: String
    /// Baseline values, one per repeat.
    public var baseline: [Double]
    /// Candidate values, one per repeat.
    public var candidate: [Double]
    /// Median of ``baseline``; `nil` when not measured.
    public var baselineMedian: Double?
    /// Median of ``candidate``; `nil` when not measured.
    public var candidateMedian: Double?
    /// 95 % bootstrap interval of the baseline median (≥ 2 repeats).
    public var baselineInterval: [Double]?
    /// 95 % bootstrap interval of the candidate median (≥ 2 repeats).
    public var candidateInterval: [Double]?
    /// candidate median − baseline median.
    public var absolute: Double?
    /// ``absolute`` / baseline median; `nil` when the baseline median is 0.
    public var relative: Double?
    /// Two-sided Mann–Whitney p-value (candidate vs baseline), when the test ran.
    public var p: Double?
    /// The verdict at ``Statistics/alpha``.
    public var verdict: CompareVerdict

    /// Compares `candidate` with `baseline` for `metric` (its direction decides better/worse).
    /// With fewer than 2 values on a side, or sample sizes whose smallest two-sided p exceeds alpha,
    /// the verdict is ``CompareVerdict/notEnoughRepeats``.
    public init(metric: GateMetric, baseline: [Double], candidate: [Double]) {
        figure = metric.name
        self.baseline = baseline
        self.candidate = candidate
        baselineMedian = Statistics.median(baseline)
        candidateMedian = Statistics.median(candidate)
        baselineInterval = Statistics.bootstrapMedianInterval(baseline).map { [$0.lowerBound, $0.upperBound] }
        candidateInterval = Statistics.bootstrapMedianInterval(candidate).map { [$0.lowerBound, $0.upperBound] }
        guard let before = baselineMedian, let after = candidateMedian else {
            absolute = nil; relative = nil; p = nil; verdict = .notMeasured
            return
        }
        absolute = after - before
        relative = before != 0 ? (after - before) / abs(before) : nil
        guard baseline.count >= 2, candidate.count >= 2, let test = Statistics.mannWhitneyU(candidate, baseline) else {
            p = nil; verdict = .notEnoughRepeats
            return
        }
        p = test.p
        if test.p < Statistics.alpha {
            verdict = test.firstTendsLarger == metric.higherIsBetter ? .better : .worse
        } else if Statistics.smallestTwoSidedP(candidate.count, baseline.count) >= Statistics.alpha {
            verdict = .notEnoughRepeats
        } else {
            verdict = .noSignificantDifference
        }
    }

    /// The values of `metric` in `cells` that measured it.
    static func values(_ metric: GateMetric, _ cells: [CellResult]) -> [Double] {
        cells.compactMap { metric.value(in: $0) }
    }
}
