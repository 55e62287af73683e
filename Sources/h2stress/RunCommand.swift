import ArgumentParser
import Foundation
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

    @Option(name: .long, help: ArgumentHelp("Run shard i of N: its share of every cell's connections, rate and totalStreams (docs/scale-out.md).", valueName: "i/N"))
    var shard: String?

    @Option(name: .long, help: ArgumentHelp("Run one of N shards, its index taken from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job sets it).", valueName: "N"))
    var shards: Int?

    @Option(name: .long, help: ArgumentHelp("Start cell 1 at this RFC 3339 time and each later cell in its slot, e.g. 2026-12-04T16:00:00Z.", valueName: "time"))
    var startAt: String?

    /// The environment variable `--shards N` reads the shard index from.
    static let shardIndexVariable = "JOB_COMPLETION_INDEX"

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
        _ = try shardSpec()
        if let startAt, StartSchedule.parseTime(startAt) == nil {
            throw ValidationError("`--start-at \(startAt)` is not an RFC 3339 time; write e.g. `2026-12-04T16:00:00Z` (UTC) or `2026-12-04T17:00:00+01:00`")
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
        pipeline.shard = try shardSpec()
        pipeline.startAt = startAt.flatMap(StartSchedule.parseTime)
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
    /// The shard `--shard` or `--shards` (with ``shardIndexVariable``) asks for; ``ShardSpec/unsharded`` when neither is given.
    func shardSpec(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ShardSpec {
        var fromShard: ShardSpec?
        if let shard {
            guard let spec = ShardSpec(parsing: shard) else {
                throw ValidationError("`--shard \(shard)` must be `i/N` with 1 ≤ N ≤ \(ShardSpec.maxCount) and 0 ≤ i < N, e.g. `--shard 0/3`")
            }
            fromShard = spec
        }
        guard let shards else { return fromShard ?? .unsharded }
        guard (1...ShardSpec.maxCount).contains(shards) else {
            throw ValidationError("`--shards \(shards)` must be between 1 and \(ShardSpec.maxCount)")
        }
        if let fromShard {
            guard fromShard.count == shards else {
                throw ValidationError("`--shard \(fromShard.label)` and `--shards \(shards)` disagree on the number of shards; give one of them")
            }
            if let text = environment[Self.shardIndexVariable], Int(text) != fromShard.index {
                throw ValidationError("`--shard \(fromShard.label)` disagrees with \(Self.shardIndexVariable)=\(text); give `--shard` or `--shards`, not both")
            }
            return fromShard
        }
        guard let text = environment[Self.shardIndexVariable] else {
            throw ValidationError("`--shards \(shards)` takes the shard index from \(Self.shardIndexVariable), which is not set; set it (a Kubernetes Indexed Job does) or give `--shard i/\(shards)`")
        }
        guard let index = Int(text.trimmingCharacters(in: .whitespaces)), let spec = ShardSpec(index: index, count: shards) else {
            throw ValidationError("\(Self.shardIndexVariable)=\(text) is not a shard index for `--shards \(shards)`; it must be an integer from 0 to \(shards - 1)")
        }
        return spec
    }

    /// `h2stress run --url … -c 10`, as typed (arguments with spaces quoted).
    static func commandLine() -> String {
        (["h2stress"] + CommandLine.arguments.dropFirst()).map { argument in
            argument.contains(where: { $0 == " " || $0 == "\"" || $0 == "'" }) ? "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'" : argument
        }.joined(separator: " ")
    }
}
