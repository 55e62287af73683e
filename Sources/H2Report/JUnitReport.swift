import H2Profile

/// Renders `junit.xml`: one `<testsuite>` per rule, one `<testcase>` per rule per cell (per key for
/// baseline rules), `<failure>` with the measured value, the bound and the baseline value, `<skipped>`
/// with the reason. Text and attributes are XML-escaped.
public enum JUnitReport {
    /// The file name in a run directory.
    public static let fileName = "junit.xml"

    /// The whole document.
    public static func render(_ report: GateReport) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let failures = report.failures.count, skipped = report.skipped.count
        out += "<testsuites name=\"h2stress gate\" tests=\"\(report.checks.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n"
        var ruleOrder: [String] = []
        for check in report.checks where !ruleOrder.contains(check.rule) { ruleOrder.append(check.rule) }
        for rule in ruleOrder {
            let checks = report.checks.filter { $0.rule == rule }
            out += "  <testsuite name=\"\(escape(rule))\" tests=\"\(checks.count)\""
            out += " failures=\"\(checks.filter { $0.status == .failed }.count)\" errors=\"0\""
            out += " skipped=\"\(checks.filter { $0.status == .skipped }.count)\">\n"
            for check in checks {
                out += "    <testcase classname=\"h2stress.gate.\(escape(report.runID))\" name=\"\(escape(rule)) @ \(escape(check.cell))\""
                switch check.status {
                case .passed:
                    out += "/>\n"
                case .failed:
                    out += ">\n      <failure message=\"\(escape(failureMessage(check)))\" type=\"GateRuleFailed\">"
                    out += escape("rule `\(rule)` failed in `\(check.cell)`: \(check.message)") + "</failure>\n    </testcase>\n"
                case .skipped:
                    out += ">\n      <skipped message=\"\(escape(check.message))\"/>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        if let note = report.notes.first, report.checks.isEmpty {
            out += "  <!-- \(escape(note).replacingOccurrences(of: "--", with: "- -")) -->\n"
        }
        return out + "</testsuites>\n"
    }

    /// `<rule> @ <cell>: measured X, bound Y, baseline Z`.
    static func failureMessage(_ check: GateCheck) -> String {
        var parts = ["\(check.rule) @ \(check.cell): \(check.message)"]
        if let metric = GateMetric(named: check.metric) {
            var figures: [String] = []
            if let measured = check.measured { figures.append("measured \(metric.format(measured))") }
            if let bound = check.bound { figures.append("bound \(metric.format(bound))") }
            if let baseline = check.baseline { figures.append("baseline \(metric.format(baseline))") }
            if !figures.isEmpty { parts.append("(" + figures.joined(separator: ", ") + ")") }
        }
        return parts.joined(separator: " ")
    }

    /// Escapes `&`, `<`, `>`, `"`, `'` and drops characters XML 1.0 cannot carry (other control characters).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t", "\r": out += " "
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
