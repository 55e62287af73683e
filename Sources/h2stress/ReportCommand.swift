import ArgumentParser
import Foundation
import H2Run
import H2Report

/// `h2stress report <run> [--format md|html|json]`: regenerates a report from run.json.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Regenerate report.md, report.html or a JSON summary from a run's run.json.",
        discussion: "The profile's absolute gate rules are re-applied; rules that need a baseline are skipped.")

    /// Output formats.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, html, json
    }

    /// The JSON summary: headline, gate checks and the run's identity.
    struct Summary: Codable {
        var runID: String
        var status: String
        var headline: String
        var truncated: Int
        var worstWakePollP99Micros: Double?
        var gate: GateReport?
    }

    @Argument(help: ArgumentHelp("The run: its folder (results/<run>) or its run.json.", valueName: "run"))
    var runPath: String

    @Option(name: .long, help: "md (report.md in the run folder), html (report.html in the run folder) or json (to stdout).")
    var format: Format = .md

    @Option(name: .long, help: ArgumentHelp("Write here instead (`-` for stdout).", valueName: "path"))
    var output: String?

    func run() throws {
        let (result, directory) = try GateStep.loadRun(runPath)
        let rules = GateStep.profileRules(result)
        let gate = rules.isEmpty ? nil : Gate.evaluate(result, rules: rules, baseline: nil)
        let text: String
        switch format {
        case .md:
            text = MarkdownReport.render(result, gate: gate)
        case .html:
            text = HTMLReport.render(result)
        case .json:
            let summary = Summary(
                runID: result.runID, status: result.status.rawValue,
                headline: MarkdownReport.headline(result, gate: gate),
                truncated: result.cells.reduce(0) { $0 + $1.streams.truncated },
                worstWakePollP99Micros: result.cells.compactMap { $0.latency["wakePoll"]?.p99 }.max(),
                gate: gate)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            text = String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n"
        }
        let destination = output ?? {
            switch format {
            case .md: return directory.reportFilePath
            case .html: return directory.path + "/report.html"
            case .json: return "-"
            }
        }()
        if destination == "-" {
            print(text, terminator: "")
            return
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: destination), options: .atomic)
        } catch {
            throw ExitError(ExitStatus.runFailed, "cannot write `\(destination)`: \(error.localizedDescription)")
        }
        if format == .md, let gate {
            try? directory.writeFile(named: JUnitReport.fileName, contents: Data(JUnitReport.render(gate).utf8))
        }
        print(destination)
    }
}
