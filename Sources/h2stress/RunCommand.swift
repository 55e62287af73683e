import ArgumentParser
import Foundation
import H2Loop
import H2Report
import H2Stress
import H2Target
import Synchronization

/// `h2stress run <profile>`: runs every cell of a profile and writes `results/<run>/`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a load profile and write run.json and report.md under results/.")

    @Argument(help: "The profile to run, e.g. profiles/quick.yaml.")
    var profile: String

    @OptionGroup var profileOptions: ProfileOptions

    @Option(name: .long, help: ArgumentHelp("Where run folders are created.", valueName: "dir"))
    var resultsDir = "results"

    @Option(name: .long, help: ArgumentHelp("End each cell after this many measured streams (duration still bounds it).", valueName: "n"))
    var streams: Int?

    @Flag(name: .long, help: "No live progress line.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp("A baseline run (folder or run.json) for the profile's gate rules written with `baseline`.", valueName: "run"))
    var baseline: String?

    func validate() throws {
        if let streams, streams < 1 {
            throw ValidationError("`--streams` must be at least 1, got \(streams)")
        }
    }

    func run() throws {
        let loaded: LoadedProfile
        do {
            loaded = try profileOptions.load(profile)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
        var launcher: TargetLauncher?
        switch loaded.base.target {
        case .embedded:
            launcher = EmbeddedTargetLauncher()
        case .url(let url, let tlsOptions):
            do {
                // An https:// URL always speaks TLS; its options (when written) tune verification.
                let tls = url.hasPrefix("https://") ? (tlsOptions ?? TLSClientConfig()) : nil
                launcher = try ExternalTargetLauncher(url: url, tls: tls)
            } catch {
                Terminal.error("profile `\(profile)`: \(error)")
                throw ExitCode(ExitStatus.usage)
            }
        case .command:
            launcher = nil  // needs the run folder for the target's output: created below
        }
        let baselineRun = try baseline.map { try GateCommand.loadRun($0).run }
        if baselineRun == nil, loaded.base.gate.contains(where: \.needsBaseline), !quiet {
            Terminal.note("note: the profile's gate rules that compare with a baseline are skipped (no `--baseline <run>`)")
        }
        let directory: RunDirectory
        do {
            directory = try RunDirectory(resultsRoot: resultsDir, profileName: loaded.base.name, startedAt: Date())
        } catch {
            Terminal.error("cannot create the results folder: \(error)")
            throw ExitCode(ExitStatus.runFailed)
        }

        let control = RunControl()
        InterruptWatcher.install { control.interrupt() }
        let progress = ProgressPrinter(enabled: Terminal.stderrIsTTY && !quiet)
        let runner = Runner(loaded: loaded, launcher: launcher ?? ManagedTargetLauncher(runDirectory: directory.path), control: control)
        runner.totalStreams = streams
        runner.hooks.cellStarted = { cell, number, count, counters in
            progress.cellStarted(cell: cell, number: number, count: count, counters: counters)
        }
        runner.hooks.cellFinished = { run in
            do {
                try directory.write(run)
            } catch {
                Terminal.error("could not write results: \(error)")
            }
        }
        let frames = Mutex(FrameTraceWriter(directory: directory))
        runner.hooks.framesCaptured = { cellID, dumps, leftOut in
            frames.withLock { writer in
                do {
                    try writer.write(cellID: cellID, dumps: dumps, leftOut: leftOut)
                } catch {
                    Terminal.error("could not write frame traces: \(error)")
                }
            }
        }
        if !quiet {
            Terminal.note("h2stress: \(loaded.cells.count) cell\(loaded.cells.count == 1 ? "" : "s") of `\(loaded.base.name)`, \(WallTimeEstimate(cells: loaded.cells, totalStreams: streams)) → \(directory.path)")
        }
        let result = runner.run(runID: directory.runID)
        progress.finish()
        print(SummaryTable.render(result))
        var gate: GateReport?
        if !loaded.base.gate.isEmpty {
            let report = Gate.evaluate(result, rules: loaded.base.gate, baseline: baselineRun)
            gate = report
            do {
                try GateRunFiles.write(result, gate: report, into: directory)
            } catch {
                Terminal.error("could not write the gate files: \(error)")
            }
            print(MarkdownReport.headline(result, gate: report).replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: ""))
            for check in report.failures {
                print("FAIL  \(check.rule) @ \(check.cell): \(check.message)")
            }
        }
        print(directory.path)

        if control.isInterrupted { throw ExitCode(130) }
        if GateCommand.runCouldNotBeDone(result) {
            Terminal.error("no stream could be started: the target was unreachable (see connection errors in \(directory.reportFilePath))")
            throw ExitCode(ExitStatus.runFailed)
        }
        if let gate, !gate.passed { throw ExitCode(ExitStatus.gateFailed) }
    }
}
