import H2Profile
import H2Wire

/// What one `h2stress bench` invocation runs: the scenarios and the settings both clients share.
/// The command line fills it in; ``validate()`` says what is out of range.
public struct BenchOptions: Sendable {
    /// Scenarios in the order run.
    public var scenarios: [BenchScenario] = [.download(bodyBytes: 65_536), .download(bodyBytes: 1_048_576), .manyStreams]
    /// Measured duration per client and scenario.
    public var duration: TimeSpan = .seconds(5)
    /// Warm-up before measuring (download scenarios).
    public var warmup: TimeSpan = .seconds(1)
    /// Runs per client in each download scenario (overhead: rounds).
    public var repeats = 1
    /// Threads of the `h2stress serve` target.
    public var serverThreads = 1
    /// Threads of each client in the download-like scenarios (h2load `-t`).
    public var threads = 1
    /// Where the load goes (`--target`).
    public var target: BenchTarget = .embedded
    /// Connections per client and concurrent streams per connection (download scenarios).
    public var connections = 10
    public var streams = 100
    /// Stream and connection windows, 2^N − 1 (h2load `-w`, `-W`).
    public var windowBits = 24
    public var connectionWindowBits = 24
    /// SETTINGS_MAX_FRAME_SIZE both clients announce.
    public var maxFrameSize: ByteCount = .kibibytes(16)
    /// Kernel receive timestamps on driver sockets.
    public var rxTimestamps = true
    /// Overhead scenario: what the measured side turns on (stamps, timestamps, traces).
    public var measurement: Set<String> = ["stamps", "timestamps", "traces"]
    /// Overhead scenario: which stamped bodies are summed in full.
    public var checksum: ChecksumSampling = .default
    /// Download scenarios: also run both clients at the same time and report each round's ratio.
    public var sideBySide = false
    /// The goals the figures are held to.
    public var goals = BenchGoals()

    public init() {}

    /// `--measurement` as written: the parts in a fixed order.
    var measurementText: String {
        ["stamps", "timestamps", "traces"].filter(measurement.contains).joined(separator: ",")
    }

    /// Checks every range; the error names the option and the range.
    public func validate() throws(BenchError) {
        guard measurement.isSubset(of: ["stamps", "timestamps", "traces"]), !measurement.isEmpty else {
            throw BenchError("`--measurement`: write a list of stamps, timestamps, traces")
        }
        guard !scenarios.isEmpty else { throw BenchError("`--scenarios` is empty") }
        guard duration.nanoseconds >= 500_000_000 else { throw BenchError("`--duration` must be at least 500ms, got \(duration)") }
        guard (1...100).contains(repeats) else { throw BenchError("`--repeats` must be 1…100, got \(repeats)") }
        guard (1...64).contains(serverThreads) else { throw BenchError("`--server-threads` must be 1…64, got \(serverThreads)") }
        guard (1...64).contains(threads), threads <= connections else {
            throw BenchError("`--threads` must be 1…64 and at most `--connections` (\(connections)), got \(threads)")
        }
        if target.isExternal, let scenario = scenarios.first(where: { !$0.worksAgainstExternalTarget }) {
            throw BenchError("`--scenarios`: `\(scenario)` needs the embedded server's paced gRPC streams; run it without `--target`, "
                             + "or keep to 64k, 1m, 100b, <size>, unary and threads with `--target`")
        }
        guard (1...10_000).contains(connections), (1...1000).contains(streams) else {
            throw BenchError("`--connections` must be 1…10000 and `--streams` 1…1000")
        }
        guard (16...30).contains(windowBits), (16...30).contains(connectionWindowBits) else {
            throw BenchError("window bits must be 16…30 (h2load's range)")
        }
        guard HTTP2Settings.maxFrameSizeRange.contains(maxFrameSize.bytes) else {
            throw BenchError("`--max-frame-size` must be 16KiB…16MiB-1, got \(maxFrameSize)")
        }
    }

    /// Reads `--scenarios` (comma-separated names, see ``BenchScenario``).
    public static func scenarios(_ text: String) throws(BenchError) -> [BenchScenario] {
        var list: [BenchScenario] = []
        for part in text.split(separator: ",") {
            let name = String(part).trimmingSpaces()
            guard let scenario = BenchScenario(name) else {
                throw BenchError("`--scenarios`: unknown scenario `\(name)`; write 64k, 1m, 100b, a size such as 256KiB, unary, threads, 10k-streams, overhead, idle-wake or soak")
            }
            list.append(scenario)
        }
        guard !list.isEmpty else { throw BenchError("`--scenarios` is empty") }
        return list
    }
}
