import H2Profile
import H2Results

/// The headline and the gate section of `report.md` (issue 5): short enough for a CI step summary.
extension MarkdownReport {
    /// Most gate checks listed one by one; beyond it only failed and skipped checks are listed.
    static let gateChecksListed = 40

    /// `**PASS** · 12 gate checks passed · 0 truncated streams · worst p99 wake latency 1.2ms (`cell`)`.
    public static func headline(_ run: RunResult, gate: GateReport?) -> String {
        var parts: [String] = []
        if let gate, !gate.passed {
            parts.append("**FAIL** · \(gate.failures.count) of \(gate.checks.count) gate checks failed")
        } else if run.status != .complete {
            parts.append("**\(run.status.rawValue.uppercased())**")
            if let gate { parts.append("\(gate.checks.count - gate.skipped.count) gate checks passed") }
        } else if let gate {
            var text = "**PASS** · \(gate.checks.count - gate.skipped.count) gate checks passed"
            if !gate.skipped.isEmpty { text += " (\(gate.skipped.count) skipped)" }
            parts.append(text)
        } else {
            parts.append("**COMPLETE** (no gate rules)")
        }
        let truncated = run.cells.reduce(0) { $0 + $1.streams.truncated }
        parts.append(truncated == 0 ? "0 truncated streams" : "**\(NumberText.grouped(truncated)) truncated streams**")
        let failed = run.cells.reduce(0) { $0 + $1.streams.failed } - truncated
        if failed > 0 { parts.append("\(NumberText.grouped(failed)) other failed streams") }
        let wake = run.cells.compactMap { cell in cell.latency[LatencyMetric.wakePoll.rawValue].flatMap { $0.isEmpty ? nil : (cell.id, $0.p99) } }
        if let worst = wake.max(by: { $0.1 < $1.1 }) {
            parts.append("worst p99 wake latency \(GateMetric(named: "wakePoll.p99")!.format(worst.1)) (`\(worst.0)`)")
        } else if !run.cells.isEmpty {
            parts.append("wake latency n/a")
        }
        return parts.joined(separator: " · ")
    }

    static func gateSection(_ gate: GateReport?) -> String {
        guard let gate else { return "" }
        var out = "\n## Gate\n\n"
        if let baseline = gate.baselineRunID { out += "Baseline run: `\(baseline)`. " }
        out += "Baseline rules fail only on a significant regression (\(Statistics.testDescription)) when the repeats allow a test; otherwise they compare medians directly.\n\n"
        let listed = gate.checks.count <= gateChecksListed ? gate.checks : gate.checks.filter { $0.status != .passed }
        if !listed.isEmpty {
            var table = TextTable([
                .init(title: "result", alignment: .left), .init(title: "rule", alignment: .left),
                .init(title: "cell", alignment: .left), .init(title: "measured", alignment: .right),
                .init(title: "bound", alignment: .right), .init(title: "baseline", alignment: .right),
                .init(title: "detail", alignment: .left),
            ])
            for check in listed {
                let metric = GateMetric(named: check.metric)
                func shown(_ value: Double?) -> String { value.flatMap { v in metric.map { $0.format(v) } } ?? NumberText.dash }
                table.append([
                    check.status == .failed ? "**FAIL**" : check.status == .passed ? "pass" : "skipped",
                    "`\(check.rule)`", "`\(check.cell)`", shown(check.measured), shown(check.bound), shown(check.baseline),
                    check.message,
                ])
            }
            out += table.markdown()
        }
        if listed.count < gate.checks.count {
            out += "\n\(gate.checks.count - listed.count) further checks passed (all in `junit.xml`).\n"
        }
        if gate.checks.isEmpty { out += "No rules.\n" }
        for note in gate.notes { out += "\n- \(inline(note))" }
        if !gate.notes.isEmpty { out += "\n" }
        return out
    }
}
