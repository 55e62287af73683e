import ArgumentParser
import H2Run
import H2Report

/// `h2stress compare <runA> <runB> [...]`: matching cells of runs side by side, with verdicts.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs (folders or run.json): matching cells side by side with deltas and verdicts.",
        discussion: """
        The first run is the baseline. Cells match by (variant, threads, serverThreads); their repeats are the samples.
        With a single run, its variants are compared with each other and with thread count.
        """)

    @Argument(help: "Runs to compare, the baseline first (run folders or run.json files).")
    var runs: [String]

    func validate() throws {
        if runs.isEmpty { throw ValidationError("give at least one run folder, e.g. `h2stress compare results/a results/b`") }
    }

    func run() throws {
        let loaded = try runs.map { try GateStep.loadRun($0).run }
        if loaded.count == 1 {
            let run = loaded[0]
            let within = CompareReport.withinRun(run)
            print("# h2stress compare `\(run.runID)` (within the run)\n")
            print(within.isEmpty ? "The run has a single variant and thread count: nothing to compare.\n" : within)
        } else {
            print(CompareReport.acrossRuns(loaded))
        }
    }
}
