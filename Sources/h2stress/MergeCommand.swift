import ArgumentParser
import Foundation
import H2Report
import H2Results
import H2Run

/// `h2stress merge <shard runs…> [--output DIR]`: merges the run folders of every shard of one
/// run (`run --shard i/N`) into one run folder that `gate`, `compare` and `report` read like any run.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the run folders of the shards of one run into one run folder.",
        discussion: """
        Give every shard's folder (or run.json), or one folder that holds them (e.g. the shared results volume):
          h2stress merge results/quick-shard-*-of-3-*
          h2stress merge /results --output /results/merged
        Counts, bytes, messages and CPU add; latency histograms merge exactly; per-second series align \
        by wall-clock second. Refuses (exit 64) shards of different profiles, a shard given twice, a \
        missing shard, or a damaged shard run.json (docs/scale-out.md).
        """)

    @Argument(help: ArgumentHelp("The shard runs (folders or run.json), or one folder holding the shard folders.", valueName: "run"))
    var runs: [String]

    @Option(name: .long, help: ArgumentHelp("Write the merged run here (default: a new folder under --results-dir named <profile>-merged-of-N-<time>).", valueName: "dir"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Where the default output folder is created.", valueName: "dir"))
    var resultsDir = "results"

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give the shard run folders, e.g. `h2stress merge results/quick-shard-*`, or the folder that holds them") }
    }

    func run() throws {
        let inputs: [ShardMerge.Input]
        let checked: [ShardMerge.Input]
        do {
            inputs = try ShardMerge.expand(runs).map { path throws(ExitError) in ShardMerge.Input(path: path, run: try GateStep.loadRun(path).run) }
            checked = try ShardMerge.check(inputs)
        } catch let refusal as ShardMerge.Refusal {
            throw ExitError(ExitStatus.usage, refusal.description)
        }
        let name = "\(checked[0].run.profileName)-merged-of-\(checked.count)"
        let directory = try Self.outputDirectory(output, resultsDir: resultsDir, name: name)
        let merged: RunResult
        do {
            merged = try ShardMerge.merge(checked, runID: directory.runID)
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
        do {
            try directory.write(merged)
        } catch {
            throw ExitError(ExitStatus.runFailed, "cannot write the merged run: \(error)")
        }
        print(SummaryTable.render(merged))
        print(directory.path)
    }

    /// `--output DIR` (created if missing; a shard run there is never overwritten), else a new run folder under `resultsDir`.
    static func outputDirectory(_ output: String?, resultsDir: String, name: String) throws(ExitError) -> RunDirectory {
        guard let output else {
            do {
                return try RunDirectory(resultsRoot: resultsDir, profileName: name, startedAt: Date())
            } catch {
                throw ExitError(ExitStatus.runFailed, "cannot create the results folder: \(error)")
            }
        }
        let path = output.count > 1 && output.hasSuffix("/") ? String(output.dropLast()) : output
        if let data = FileManager.default.contents(atPath: path + "/" + RunDirectory.runFileName),
           let existing = try? RunResult.decode(from: data), existing.shard != nil {
            throw ExitError(ExitStatus.usage, "`--output \(output)` holds shard \(existing.shard!.label)'s run; give another folder for the merged run")
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw ExitError(ExitStatus.usage, "`--output \(output)` cannot be created: \(error.localizedDescription)")
        }
        return RunDirectory(existing: path, runID: (path as NSString).lastPathComponent)
    }
}
