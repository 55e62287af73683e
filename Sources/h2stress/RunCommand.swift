import ArgumentParser
import H2Profile
import H2Run

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

    @Option(name: .long, help: ArgumentHelp("Exit 1 when a stream ends with one of these outcomes (comma-separated: \(FailOn.names.joined(separator: ", ")); failed is any), as gate rules `<outcome> == 0` added to the profile's.", valueName: "outcomes"))
    var failOn: String?

    func validate() throws {
        if let streams, streams < 1 {
            throw ValidationError("`--streams` must be at least 1, got \(streams)")
        }
    }

    func run() throws {
        var loaded: LoadedProfile
        do {
            loaded = try profileOptions.load(profile)
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
        if let failOn {
            loaded.base.gate += try FailOn.rules(failOn).filter { !loaded.base.gate.contains($0) }
        }
        var pipeline = RunPipeline(loaded: loaded, profilePath: profile)
        pipeline.resultsDir = resultsDir
        pipeline.totalStreams = streams
        pipeline.baselinePath = baseline
        pipeline.quiet = quiet
        let status = try pipeline.run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}
