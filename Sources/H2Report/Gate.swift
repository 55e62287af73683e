import H2Profile
import H2Results

/// Applies release-gate rules to a run, optionally against a baseline run.
///
/// - Absolute rules (`wakePoll.p99 < 2ms`) are checked on every cell in scope, repeats included: every
///   repeat must pass.
/// - Baseline rules (`throughput.bytesPerSecond > 0.9 * baseline`) are checked once per key
///   (variant, threads, serverThreads): the candidate's repeats against factor × the baseline's repeats of
///   the same key. When the medians satisfy the rule it passes. When they do not, and both sides have
///   enough repeats for the Mann–Whitney test to reach alpha, it fails only if the difference is
///   significant (p < alpha); otherwise the medians are compared directly and the message says that no
///   significance could be claimed.
/// - A figure a cell did not measure (e.g. `wakePoll` without kernel timestamps) makes the check *skipped*.
public enum Gate {
    /// Evaluates `rules` on `run`; baseline rules are skipped (with a note) when `baseline` is `nil`.
    public static func evaluate(_ run: RunResult, rules: [GateRule], baseline: RunResult? = nil) -> GateReport {
        var report = GateReport(runID: run.runID, baselineRunID: baseline?.runID, rules: rules.map(\.description), checks: [], notes: [])
        if baseline == nil, rules.contains(where: \.needsBaseline) {
            report.notes.append("rules comparing with a baseline were skipped: no baseline run was given (`--baseline <run>`)")
        }
        let groups = CompareKey.groups(run)
        let baseGroups = baseline.map(CompareKey.groups) ?? []
        for rule in rules {
            var applied = 0
            switch rule.bound {
            case .absolute(let bound):
                for cell in run.cells where rule.applies(toCell: cell.id, variant: cell.variant) {
                    applied += 1
                    report.checks.append(absolute(rule, bound, cell))
                }
            case .baseline(let factor):
                for (key, cells) in groups {
                    let inScope = cells.filter { rule.applies(toCell: $0.id, variant: $0.variant) }
                    guard !inScope.isEmpty else { continue }
                    applied += 1
                    report.checks.append(relative(rule, factor, key, inScope,
                                                  baseline: baseline == nil ? nil : baseGroups.first { $0.key == key }?.cells ?? []))
                }
            }
            if applied == 0 {
                report.checks.append(GateCheck(
                    rule: rule.description, metric: rule.metric.name, cell: "–", variant: "–", status: .skipped, measured: nil, bound: nil,
                    baseline: nil, p: nil, message: "no cell of the run is in the rule's scope"))
            }
        }
        return report
    }

    private static func absolute(_ rule: GateRule, _ bound: Double, _ cell: CellResult) -> GateCheck {
        let metric = rule.metric
        guard let value = metric.value(in: cell) else {
            return GateCheck(rule: rule.description, metric: rule.metric.name, cell: cell.id, variant: cell.variant, status: .skipped,
                             measured: nil, bound: bound, baseline: nil, p: nil,
                             message: "`\(metric.name)` was not measured in this cell\(metric.name.hasPrefix("wake") ? " (\(cell.wake.note ?? "no wake figures"))" : "")")
        }
        let holds = rule.comparison.holds(value, bound)
        let text = "\(metric.name) = \(metric.format(value)), required \(rule.comparison.rawValue) \(metric.format(bound))"
        return GateCheck(rule: rule.description, metric: rule.metric.name, cell: cell.id, variant: cell.variant, status: holds ? .passed : .failed,
                         measured: value, bound: bound, baseline: nil, p: nil, message: text)
    }

    private static func relative(_ rule: GateRule, _ factor: Double, _ key: CompareKey, _ cells: [CellResult], baseline: [CellResult]?) -> GateCheck {
        let metric = rule.metric
        func check(_ status: GateCheck.Status, measured: Double? = nil, bound: Double? = nil, base: Double? = nil, p: Double? = nil, _ message: String) -> GateCheck {
            GateCheck(rule: rule.description, metric: rule.metric.name, cell: key.description, variant: key.variant, status: status,
                      measured: measured, bound: bound, baseline: base, p: p, message: message)
        }
        guard let baseline else { return check(.skipped, "no baseline run was given") }
        guard !baseline.isEmpty else { return check(.skipped, "the baseline run has no cell `\(key)`") }
        let current = CompareDelta.values(metric, cells)
        let before = CompareDelta.values(metric, baseline)
        guard let median = Statistics.median(current), let baseMedian = Statistics.median(before) else {
            return check(.skipped, "`\(metric.name)` was not measured \(current.isEmpty ? "in this run" : "in the baseline")")
        }
        let bound = factor * baseMedian
        let boundText = factor == 1 ? "baseline \(metric.format(baseMedian))" : "\(factorText(factor)) × baseline \(metric.format(baseMedian)) = \(metric.format(bound))"
        let text = "\(metric.name) median = \(metric.format(median)) over \(current.count) repeat\(current.count == 1 ? "" : "s"), required \(rule.comparison.rawValue) \(boundText)"
        if rule.comparison.holds(median, bound) {
            return check(.passed, measured: median, bound: bound, base: baseMedian, text)
        }
        let scaled = before.map { $0 * factor }
        let canTest = current.count >= 2 && scaled.count >= 2
            && Statistics.smallestTwoSidedP(current.count, scaled.count) < Statistics.alpha
        guard canTest, let test = Statistics.mannWhitneyU(current, scaled) else {
            return check(.failed, measured: median, bound: bound, base: baseMedian,
                         text + "; with \(current.count) vs \(before.count) repeats no significance can be claimed, so the medians were compared directly")
        }
        let pText = NumberText.fixed(test.p, decimals: 4)
        if test.p < Statistics.alpha {
            return check(.failed, measured: median, bound: bound, base: baseMedian, p: test.p,
                         text + "; significant (Mann–Whitney p = \(pText) < \(Statistics.alpha))")
        }
        return check(.passed, measured: median, bound: bound, base: baseMedian, p: test.p,
                     text + "; the medians miss the bound but the difference is not significant (Mann–Whitney p = \(pText) ≥ \(Statistics.alpha))")
    }

    /// A rule factor as written: `0.9`, `1.1`, `2`.
    private static func factorText(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
