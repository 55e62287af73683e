import ArgumentParser
import Foundation
import H2Report
import H2Stress

/// `h2stress gate <run> [--baseline <run>] [--rules file]`: applies release-gate rules to a finished run.
struct GateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Apply gate rules to a run; write junit.xml and report.md; exit 1 when a rule fails.",
        discussion: """
        Rules come from --rules (a YAML list, or `gate:` with a list) or else from the run's profile (`gate:`).
        Exit codes: 0 every rule passed, 1 a rule failed, 2 the run could not be done, 64 bad usage or rules.
        """)

    @Argument(help: ArgumentHelp("The run: its folder (results/<run>) or its run.json.", valueName: "run"))
    var runPath: String

    @Option(name: .long, help: ArgumentHelp("A baseline run (folder or run.json) for rules written with `baseline`.", valueName: "run"))
    var baseline: String?

    @Option(name: .long, help: ArgumentHelp("A YAML file of rules (replaces the profile's gate).", valueName: "file"))
    var rules: String?

    @Flag(name: .long, help: "Do not write junit.xml and report.md into the run folder.")
    var noWrite = false

    func run() throws {
        let (result, directory) = try GateCommand.loadRun(runPath)
        let rules = try GateCommand.loadRules(file: rules, run: result)
        let base = try baseline.map { try GateCommand.loadRun($0).run }
        if base == nil, let rule = rules.first(where: \.needsBaseline) {
            Terminal.error("rule `\(rule.text)` compares with a baseline; add `--baseline <run folder>` (or remove the rule)")
            throw ExitCode(ExitStatus.usage)
        }
        let report = Gate.evaluate(result, rules: rules, baseline: base)
        if !noWrite {
            do {
                try GateRunFiles.write(result, gate: report, into: directory)
            } catch {
                Terminal.error("could not write the gate files: \(error)")
            }
        }
        GateCommand.printVerdict(result, report, directory: noWrite ? nil : directory)
        throw ExitCode(GateCommand.exitStatus(result, report))
    }

    /// The exit status of a gated run: 2 when the run could not be done, 1 when a check failed, else 0.
    static func exitStatus(_ run: RunResult, _ report: GateReport?) -> Int32 {
        if runCouldNotBeDone(run) { return ExitStatus.runFailed }
        if let report, !report.passed { return ExitStatus.gateFailed }
        return ExitStatus.success
    }

    /// No cell ran, or not a single stream could be started in any cell.
    static func runCouldNotBeDone(_ run: RunResult) -> Bool {
        run.cells.isEmpty || run.cells.allSatisfy { $0.streamsStarted == 0 }
    }

    /// Prints the headline and every failed check to stdout.
    static func printVerdict(_ run: RunResult, _ report: GateReport, directory: RunDirectory?) {
        print(MarkdownReport.headline(run, gate: report).replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: ""))
        for check in report.failures {
            print("FAIL  \(check.rule) @ \(check.cell): \(check.message)")
        }
        for note in report.notes { print("note: \(note)") }
        if let directory { print(directory.path + "/" + JUnitReport.fileName) }
        if runCouldNotBeDone(run) {
            Terminal.error("the run could not be done: no stream was started in any cell")
        }
    }

    /// A run from a folder or run.json; exit 64 when it cannot be read.
    static func loadRun(_ path: String) throws -> (run: RunResult, directory: RunDirectory) {
        do {
            return try GateRunFiles.loadRun(path)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// Rules from `file`, else from the run's profile; exit 64 with file, line, rule and fix on a mistake.
    static func loadRules(file: String?, run: RunResult) throws -> [GateRule] {
        let rules: [GateRule]
        if let file {
            do {
                rules = try GateRuleFile.load(path: file)
            } catch {
                Terminal.error(error.description.replacingOccurrences(of: "profile `", with: "rules `"))
                throw ExitCode(ExitStatus.usage)
            }
            let variants = Set(run.cells.map(\.variant))
            for rule in rules {
                for name in rule.variants where !name.contains("*") && !variants.contains(name) {
                    let line = rule.line.map { ", line \($0)" } ?? ""
                    Terminal.error("rules `\(file)`\(line): rule `\(rule.text)` names variant `\(name)`, which is not in run `\(run.runID)`; its variants are \(variants.sorted().map { "`\($0)`" }.joined(separator: ", "))")
                    throw ExitCode(ExitStatus.usage)
                }
            }
        } else {
            rules = profileRules(run)
            if rules.isEmpty {
                Terminal.error("run `\(run.runID)` has no gate rules in its profile; give rules with `--rules <file>` (a YAML list such as `- \"truncated == 0\"`)")
                throw ExitCode(ExitStatus.usage)
            }
        }
        return rules
    }

    /// The `gate:` rules recorded with the run's profile in run.json (empty when there are none).
    static func profileRules(_ run: RunResult) -> [GateRule] {
        guard let gate = run.profile["gate"], let data = try? JSONEncoder().encode(gate) else { return [] }
        return (try? JSONDecoder().decode([GateRule].self, from: data)) ?? []
    }
}
