import Foundation
import H2Profile
import H2Report
import H2Results

/// The gate as a step of `run`, `gate` and `report`: reading runs and rules, the verdict lines,
/// and the exit status a gated run ends with.
public enum GateStep {
    /// The exit status of a gated run: 2 when the run could not be done, 1 when a check failed, else 0.
    public static func exitStatus(_ run: RunResult, _ report: GateReport?) -> Int32 {
        if runCouldNotBeDone(run) { return ExitStatus.runFailed }
        if let report, !report.passed { return ExitStatus.gateFailed }
        return ExitStatus.success
    }

    /// No cell ran, or not a single stream could be started in any cell.
    public static func runCouldNotBeDone(_ run: RunResult) -> Bool {
        run.cells.isEmpty || run.cells.allSatisfy { $0.streamsStarted == 0 }
    }

    /// The headline without Markdown, then `FAIL  rule @ cell: message` per failed check.
    public static func verdictLines(_ run: RunResult, _ report: GateReport) -> [String] {
        [MarkdownReport.headline(run, gate: report).replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")]
            + report.failures.map { "FAIL  \($0.rule) @ \($0.cell): \($0.message)" }
    }

    /// Prints the verdict lines and notes to stdout (`gate`).
    public static func printVerdict(_ run: RunResult, _ report: GateReport, directory: RunDirectory?) {
        for line in verdictLines(run, report) { print(line) }
        for note in report.notes { print("note: \(note)") }
        if let directory { print(directory.path + "/" + JUnitReport.fileName) }
        if runCouldNotBeDone(run) {
            Terminal.error("the run could not be done: no stream was started in any cell")
        }
    }

    /// A run from a folder or run.json; exit 64 when it cannot be read.
    public static func loadRun(_ path: String) throws(ExitError) -> (run: RunResult, directory: RunDirectory) {
        do {
            return try GateRunFiles.loadRun(path)
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
    }

    /// Rules from `file`, else from the run's profile; exit 64 with file, line, rule and fix on a mistake.
    public static func loadRules(file: String?, run: RunResult) throws(ExitError) -> [GateRule] {
        guard let file else {
            let rules = profileRules(run)
            if rules.isEmpty {
                throw ExitError(ExitStatus.usage, "run `\(run.runID)` has no gate rules in its profile; give rules with `--rules <file>` (a YAML list such as `- \"truncated == 0\"`)")
            }
            return rules
        }
        let rules: [GateRule]
        do {
            rules = try GateRuleFile.load(path: file)
        } catch {
            throw ExitError(ExitStatus.usage, error.description.replacingOccurrences(of: "profile `", with: "rules `"))
        }
        let variants = Set(run.cells.map(\.variant))
        for rule in rules {
            for name in rule.variants where !name.contains("*") && !variants.contains(name) {
                let line = rule.line.map { ", line \($0)" } ?? ""
                throw ExitError(ExitStatus.usage, "rules `\(file)`\(line): rule `\(rule.text)` names variant `\(name)`, which is not in run `\(run.runID)`; its variants are \(variants.sorted().map { "`\($0)`" }.joined(separator: ", "))")
            }
        }
        return rules
    }

    /// The `gate:` rules recorded with the run's profile in run.json (empty when there are none).
    public static func profileRules(_ run: RunResult) -> [GateRule] {
        guard let gate = run.profile["gate"], let data = try? JSONEncoder().encode(gate) else { return [] }
        return (try? JSONDecoder().decode([GateRule].self, from: data)) ?? []
    }
}
