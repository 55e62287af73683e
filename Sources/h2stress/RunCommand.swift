import ArgumentParser
import H2Metrics
import H2Profile
import H2Run

/// `h2stress run <profile>` or `h2stress run --url …`: runs every cell of a profile (a file,
/// or the one the command line makes) and writes `results/<run>/`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a load profile and write run.json and report.md under results/.",
        discussion: """
            Give a profile file, or load a server straight from the command line:
              h2stress run profiles/quick.yaml
              h2stress run --url h2c://127.0.0.1:8080/bytes/65536 -c 10 -m 100 -d 10s
              h2stress run --url h2c://127.0.0.1:50051 --grpc /helloworld.Greeter/SayHello --data req.bin -c 4 -m 50 -n 100000
            --print-profile prints the profile such a command line makes.
            """)

    @Argument(help: "The profile to run, e.g. profiles/quick.yaml (or use --url).")
    var profile: String?

    @OptionGroup var profileOptions: ProfileOptions

    @OptionGroup(title: "Without a profile file") var urlOptions: URLOptions

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

    @Option(name: .long, help: ArgumentHelp("Serve live Prometheus metrics at http://<host:port>/metrics while the run goes on, e.g. 127.0.0.1:9464, 0.0.0.0:9464 (port 0: any free port; the address is printed on stderr). See docs/metrics.md.", valueName: "host:port"))
    var metrics: String?

    @Option(name: .long, help: ArgumentHelp("With --metrics: keep serving the final values this long after the run, so a last scrape sees them (0s: exit at once).", valueName: "time"))
    var metricsLinger: TimeSpan = RunPipeline.defaultMetricsLinger

    func validate() throws {
        if let metrics {
            do {
                _ = try MetricsAddress(parsing: metrics)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if let streams, streams < 1 {
            throw ValidationError("`--streams` must be at least 1, got \(streams)")
        }
        if profile != nil && urlOptions.url != nil {
            throw ValidationError("give a profile file or `--url`, not both (the profile's target is `target:` in the file)")
        }
        if profile == nil && urlOptions.url == nil {
            throw ValidationError("give a profile file (e.g. `h2stress run profiles/quick.yaml`) or `--url h2c://host:port/path`")
        }
        if urlOptions.url == nil, let flag = urlOptions.urlOnlyOptionsGiven.first {
            throw ValidationError("`\(flag)` goes with `--url`; in a profile file write the matching field (see `h2stress run --url … --print-profile`)")
        }
    }

    func run() throws {
        var loaded: LoadedProfile
        var profileText: String?
        do {
            if let url = urlOptions.url {
                let text = try urlOptions.profile(url: url, duration: profileOptions.duration, threads: profileOptions.threads,
                                                  commandLine: Self.commandLine())
                if urlOptions.printProfile {
                    print(text, terminator: "")
                    return
                }
                profileText = text
                loaded = try profileOptions.load(yaml: text, file: OneLineProfile.fileName)
            } else {
                loaded = try profileOptions.load(profile ?? "")
            }
        } catch {
            throw ExitError(ExitStatus.usage, error.description)
        }
        if let failOn {
            loaded.base.gate += try FailOn.rules(failOn).filter { !loaded.base.gate.contains($0) }
        }
        var pipeline = RunPipeline(loaded: loaded, profilePath: profile ?? OneLineProfile.fileName)
        pipeline.profileText = profileText
        pipeline.resultsDir = resultsDir
        pipeline.totalStreams = streams
        pipeline.baselinePath = baseline
        pipeline.quiet = quiet
        if let metrics {
            do throws(MetricsError) {
                pipeline.metricsAddress = try MetricsAddress(parsing: metrics)
            } catch {
                throw ExitError(ExitStatus.usage, error.description)
            }
        }
        pipeline.metricsLinger = metricsLinger
        let status = try pipeline.run()
        if status != ExitStatus.success { throw ExitCode(status) }
    }
}

extension RunCommand {
    /// `h2stress run --url … -c 10`, as typed (arguments with spaces quoted).
    static func commandLine() -> String {
        (["h2stress"] + CommandLine.arguments.dropFirst()).map { argument in
            argument.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
        }.joined(separator: " ")
    }
}
