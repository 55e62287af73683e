import H2Profile

/// One scenario of `h2stress bench`, as written in `--scenarios`.
public enum BenchScenario: Sendable, Equatable, CustomStringConvertible {
    /// `GET /bytes/<n>` with both clients (`64k`, `1m`, or any size such as `256KiB`).
    case download(bodyBytes: Int)
    /// 100 connections × 100 long paced gRPC server streams on one driver thread (`10k-streams`).
    case manyStreams
    /// Measurement overhead: 64 KiB gRPC messages with stamps + verification + kernel
    /// timestamps + frame traces on, against all of them off (`overhead`).
    case overhead
    /// Idle wake latency: 64 paced streams (100 B every 10 ms), `wakePoll` p50/p99 (`idle-wake`).
    case idleWake
    /// 1,000 churning paced streams for `--duration`: RSS drift, open files, false verdicts (`soak`).
    case soak

    /// Parses `64k`, `1m`, `10k-streams` or a size (`256KiB`); nil when unknown.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "10k-streams", "10k": self = .manyStreams
        case "overhead": self = .overhead
        case "idle-wake": self = .idleWake
        case "soak": self = .soak
        case "64k": self = .download(bodyBytes: 65_536)
        case "1m": self = .download(bodyBytes: 1 << 20)
        default:
            guard let size = ByteCount(text), size.bytes >= 1 else { return nil }
            self = .download(bodyBytes: size.bytes)
        }
    }

    public var description: String {
        switch self {
        case .download(let n): "GET \(ByteCount(bytes: n))"
        case .manyStreams: "10k streams"
        case .overhead: "overhead"
        case .idleWake: "idle wake"
        case .soak: "soak"
        }
    }
}
