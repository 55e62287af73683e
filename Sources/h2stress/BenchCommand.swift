import ArgumentParser
import Foundation
import Glibc
import H2Loop
import H2Stress
import H2Wire

/// `h2stress bench`: h2stress and h2load side by side against the same target, printing MB/s,
/// requests/s and client CPU-seconds per GB received, plus a 10,000-stream memory check.
///
/// The target is `h2stress serve` run as a child process (a fresh one per client and scenario),
/// so neither client's process carries the server's CPU or memory, and both face the identical
/// server binary and settings. Both clients use the same windows and max frame size.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the driver against h2load on the same embedded target (MB/s, req/s, CPU-s per GB, 10k-stream RSS).",
        discussion: """
        Scenarios: `64k` and `1m` (GET /bytes/65536 and /bytes/1048576, or any size such as 256KiB) run \
        h2stress then h2load with the same connections × streams, windows and frame size, each against a \
        fresh `h2stress serve` child; `10k-streams` holds 100 connections × 100 paced gRPC server streams \
        on one driver thread and reports the driver process's peak RSS; `overhead` runs two drivers side by         side against one target, one with stamps + verification, kernel timestamps and frame traces on and one         with them off, and compares their CPU-s per GB round by round (at least 3 rounds; `--repeats` sets         more); `idle-wake` reports wakePoll on 64 paced streams. Use a release build for figures.
        """)

    @Option(name: .long, help: ArgumentHelp("Measured duration per client and scenario.", valueName: "time"))
    var duration: TimeSpan = .seconds(5)

    @Option(name: .long, help: ArgumentHelp("Warm-up before measuring (download scenarios).", valueName: "time"))
    var warmup: TimeSpan = .seconds(1)

    @Option(name: .long, help: "Runs per client in each download scenario, alternating which client goes first (overhead: rounds); the table shows medians.")
    var repeats = 1

    @Option(name: .long, help: "Threads of the `h2stress serve` target.")
    var serverThreads = 1

    @Option(name: .long, help: ArgumentHelp("Comma-separated: 64k, 1m, <size>, 10k-streams, overhead, idle-wake.", valueName: "list"))
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

    /// The parts of `--measurement`.
    var measurementParts: Set<String> { Set(measurement.split(separator: ",").map { String($0) }) }

    func validate() throws {
        guard measurementParts.isSubset(of: ["stamps", "timestamps", "traces"]), !measurementParts.isEmpty else {
            throw ValidationError("`--measurement`: write a list of stamps, timestamps, traces, got `\(measurement)`")
        }
        guard duration.nanoseconds >= 500_000_000 else { throw ValidationError("`--duration` must be at least 500ms, got \(duration)") }
        guard (1...100).contains(repeats) else { throw ValidationError("`--repeats` must be 1…100, got \(repeats)") }
        guard (1...64).contains(serverThreads) else { throw ValidationError("`--server-threads` must be 1…64, got \(serverThreads)") }
        guard (1...10_000).contains(connections), (1...1000).contains(streams) else {
            throw ValidationError("`--connections` must be 1…10000 and `--streams` 1…1000")
        }
        guard (16...30).contains(windowBits), (16...30).contains(connectionWindowBits) else {
            throw ValidationError("window bits must be 16…30 (h2load's range)")
        }
        guard (16_384...16_777_215).contains(maxFrameSize.bytes) else {
            throw ValidationError("`--max-frame-size` must be 16KiB…16MiB-1, got \(maxFrameSize)")
        }
        _ = try parsedScenarios()
    }

    private func parsedScenarios() throws(ValidationError) -> [BenchScenario] {
        var list: [BenchScenario] = []
        for part in scenarios.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let scenario = BenchScenario(name) else {
                throw ValidationError("`--scenarios`: unknown scenario `\(name)`; write 64k, 1m, a size such as 256KiB, 10k-streams, overhead or idle-wake")
            }
            list.append(scenario)
        }
        guard !list.isEmpty else { throw ValidationError("`--scenarios` is empty") }
        return list
    }

    func run() throws {
        let list = try parsedScenarios()
        let control = RunControl()
        InterruptWatcher.install { control.interrupt() }
        let bench = BenchSession(command: self, control: control, executable: Self.ownExecutable(),
                                 h2loadPath: Self.resolveExecutable(h2load))
        print(bench.machineLine())
        print(bench.settingsLine())
        #if DEBUG
        print("NOTE: this is a DEBUG build — figures are not representative; build with `swift build -c release`.")
        #endif
        if bench.h2loadPath == nil {
            Terminal.note("h2load not found (`\(h2load)`): install nghttp2-client (apt-get install nghttp2-client); running h2stress alone")
        }
        var failed = false
        for scenario in list where !control.isInterrupted {
            do {
                try bench.run(scenario)
            } catch {
                Terminal.error("\(scenario): \(error)")
                failed = true
            }
        }
        print("")
        print(bench.table())
        for line in bench.goalLines() { print(line) }
        if let json {
            do {
                try bench.writeJSON(to: json)
                print("figures written to \(json)")
            } catch {
                Terminal.error("cannot write \(json): \(error)")
                failed = true
            }
        }
        if control.isInterrupted { throw ExitCode(130) }
        if failed || !bench.errors.isEmpty { throw ExitCode(ExitStatus.runFailed) }
    }

    /// This binary's path (the target runs as `<self> serve`).
    private static func ownExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }

    /// `name` if it contains a slash and is executable, else the first executable match on PATH.
    private static func resolveExecutable(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
