import ArgumentParser
import Foundation
import Glibc
import H2Run
import H2Loop
import H2Wire
import H2Profile
import H2Driver
import H2Bench

/// `h2stress bench`: h2stress and h2load side by side against the same target, printing MB/s,
/// requests/s and client CPU-seconds per GB received, plus a 10,000-stream memory check.
///
/// The target is `h2stress serve` run as a child process (a fresh one per client and scenario),
/// so neither client's process carries the server's CPU or memory, and both face the identical
/// server binary and settings; or, with `--target`, a server this project did not write.
/// Both clients use the same windows and max frame size.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the driver against h2load on the same target, embedded or --target (MB/s, req/s, CPU per GB and per stream, 10k-stream RSS).",
        discussion: """
        Scenarios: `64k` and `1m` (GET /bytes/65536 and /bytes/1048576, or any size such as 256KiB) run \
        h2stress then h2load with the same connections × streams, windows and frame size, each against a \
        fresh `h2stress serve` child; `100b` (GET /bytes/100) and `unary` (gRPC UnaryCall, 100-byte payloads \
        each way, stamped and verified; h2load posts the same gRPC-framed request with -d) do the same for \
        small streams, where the table's µs/stream column is the figure to compare; `threads` runs GET 100 B with 1 and \
        with 2 threads in each client, alternating, and compares each client's CPU per stream; `--target h2c://host:port/path` \
        points the download, unary and threads scenarios at another server (nghttpd, say); `10k-streams` holds 100 connections × 100 paced gRPC server streams \
        on one driver thread and reports the driver process's peak RSS; `overhead` runs two drivers side by \
        side against one target, one with stamps + verification, kernel timestamps and frame traces on and one \
        with them off, and compares their CPU-s per GB round by round (at least 3 rounds; `--repeats` sets \
        more); `idle-wake` reports wakePoll on 64 paced streams; `soak` churns 1,000 paced, fully checksummed \
        streams for `--duration` and checks the driver's RSS, open files and verdicts. Use a release build for figures.
        """)

    @Option(name: .long, help: ArgumentHelp("Measured duration per client and scenario.", valueName: "time"))
    var duration: TimeSpan = .seconds(5)

    @Option(name: .long, help: ArgumentHelp("Warm-up before measuring (download scenarios).", valueName: "time"))
    var warmup: TimeSpan = .seconds(1)

    @Option(name: .long, help: "Runs per client in each download scenario, alternating which client goes first (overhead: rounds); the table shows medians.")
    var repeats = 1

    @Option(name: .long, help: "Threads of the `h2stress serve` target.")
    var serverThreads = 1

    @Option(name: .long, help: "Threads of each client in the download and unary scenarios (h2load -t).")
    var threads = 1

    @Option(name: .long, help: ArgumentHelp("Load this server instead of an `h2stress serve` child: h2c://host:port, or h2c://host:port/path to request that path (it must answer with the scenario's size) in every download scenario. Both clients then divide CPU by the bytes they counted themselves, without warm-up.", valueName: "url"))
    var target: String?

    @Option(name: .long, help: ArgumentHelp("Comma-separated: 64k, 1m, 100b, <size>, unary, threads, 10k-streams, overhead, idle-wake, soak.", valueName: "list"))
    var scenarios = "64k,1m,10k-streams"

    @Option(name: .long, help: ArgumentHelp("The h2load executable (name on PATH or a path).", valueName: "path"))
    var h2load = "h2load"

    @Option(name: .long, help: ArgumentHelp("Also write the figures as JSON to this file.", valueName: "file"))
    var json: String?

    @Option(name: .long, help: "Connections per client in the download scenarios.")
    var connections = 10

    @Option(name: .long, help: "Concurrent streams per connection in the download scenarios.")
    var streams = 100

    @Option(name: .long, help: ArgumentHelp("Stream window 2^N-1 for both clients (h2load -w).", valueName: "N"))
    var windowBits = 24

    @Option(name: .long, help: ArgumentHelp("Connection window 2^N-1 for both clients (h2load -W).", valueName: "N"))
    var connectionWindowBits = 24

    @Option(name: .long, help: ArgumentHelp("SETTINGS_MAX_FRAME_SIZE both clients announce (h2load -f).", valueName: "size"))
    var maxFrameSize: ByteCount = .kibibytes(16)

    @Flag(name: .long, inversion: .prefixedNo, help: "Kernel receive timestamps on driver sockets (as `run` does).")
    var rxTimestamps = true

    @Option(name: .long, help: ArgumentHelp("Overhead scenario: what the measured side turns on — any of stamps, timestamps, traces (default all three).", valueName: "list"))
    var measurement = "stamps,timestamps,traces"

    @Option(name: .long, help: ArgumentHelp("Overhead scenario: which stamped bodies are summed in full — all, none or 1/N (as the profile field `client.checksum`).", valueName: "sampling"))
    var checksum: ChecksumSampling = .default

    @Flag(name: .long, help: "Download scenarios: after the usual runs, also run h2stress and h2load at the same time against one target for `--repeats` rounds (at least 3), and report each round's CPU-s/GB ratio: steadier than separate runs on a noisy machine.")
    var sideBySide = false

    @Option(name: .long, help: ArgumentHelp("Read the goals from this JSON file (keys as in BENCHMARKS.md; missing keys keep their defaults).", valueName: "file"))
    var goals: String?

    /// The options the bench runs with; every range is checked here.
    func options() throws -> BenchOptions {
        var o = BenchOptions()
        o.scenarios = try BenchOptions.scenarios(scenarios)
        o.duration = duration
        o.warmup = warmup
        o.repeats = repeats
        o.serverThreads = serverThreads
        o.threads = threads
        if let target { o.target = try BenchTarget(url: target) }
        o.connections = connections
        o.streams = streams
        o.windowBits = windowBits
        o.connectionWindowBits = connectionWindowBits
        o.maxFrameSize = maxFrameSize
        o.rxTimestamps = rxTimestamps
        o.measurement = Set(measurement.split(separator: ",").map { String($0) })
        o.checksum = checksum
        o.sideBySide = sideBySide
        if let goals {
            do {
                o.goals = try JSONDecoder().decode(BenchGoals.self, from: Data(contentsOf: URL(fileURLWithPath: goals)))
            } catch {
                throw ValidationError("`--goals \(goals)`: \(error)")
            }
        }
        try o.validate()
        return o
    }

    func validate() throws {
        do {
            _ = try options()
        } catch let error as BenchError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let control = RunControl()
        InterruptWatcher.install { control.interrupt() }
        switch Bench.run(try options(), h2load: h2load, json: json, control: control) {
        case .finished: return
        case .failed: throw ExitCode(ExitStatus.runFailed)
        case .interrupted: throw ExitCode(ExitStatus.interrupted)
        }
    }
}
