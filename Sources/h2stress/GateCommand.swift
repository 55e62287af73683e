import ArgumentParser
import Foundation
import H2Report
import H2Profile
import H2Run

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
        let (result, directory) = try GateStep.loadRun(runPath)
        let rules = try GateStep.loadRules(file: rules, run: result)
        let base = try baseline.map { path throws(ExitError) in try GateStep.loadRun(path).run }
        if base == nil, let rule = rules.first(where: \.needsBaseline) {
            throw ExitError(ExitStatus.usage, "rule `\(rule.text)` compares with a baseline; add `--baseline <run folder>` (or remove the rule)")
        }
        let report = Gate.evaluate(result, rules: rules, baseline: base)
        if !noWrite {
            do {
                try GateRunFiles.write(result, gate: report, into: directory)
            } catch {
                Terminal.error("could not write the gate files: \(error)")
            }
        }
        GateStep.printVerdict(result, report, directory: noWrite ? nil : directory)
        throw ExitCode(GateStep.exitStatus(result, report))
    }
}
