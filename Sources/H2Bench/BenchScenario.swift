import H2Profile

/// One scenario of `h2stress bench`, as written in `--scenarios`.
public enum BenchScenario: Sendable, Equatable, CustomStringConvertible {
    /// `GET /bytes/<n>` with both clients (`64k`, `1m`, `100b`, or any size such as `256KiB`).
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
    /// gRPC `UnaryCall`, 100-byte request payload, 100-byte response payload, stamped and
    /// verified; h2load posts the same gRPC-framed request with `-d` (`unary`).
    case unary
    /// GET 100 B with 1 and then 2 threads in each client, alternating, for several rounds:
    /// how each client's CPU per stream changes with a second thread (`threads`).
    case threadScaling

    /// Payload bytes of the `unary` scenario's request and response.
    public static let unaryPayloadBytes = 100

    /// True for the scenarios that `--target` can point at another server (the rest need the
    /// embedded server's paced gRPC streams).
    public var worksAgainstExternalTarget: Bool {
        switch self {
        case .download, .unary, .threadScaling: true
        default: false
        }
    }

    /// Parses `64k`, `1m`, `100b`, `unary`, `threads`, `10k-streams`, … or a size (`256KiB`); nil when unknown.
    public init?(_ text: String) {
        switch text.lowercased() {
        case "10k-streams", "10k": self = .manyStreams
        case "overhead": self = .overhead
        case "idle-wake": self = .idleWake
        case "soak": self = .soak
        case "unary": self = .unary
        case "threads": self = .threadScaling
        case "100b": self = .download(bodyBytes: 100)
        case "64k": self = .download(bodyBytes: 65_536)
        case "1m": self = .download(bodyBytes: 1 << 20)
        default:
            // `1000b` as `100b` is written: a lower-case b for bytes.
            let bytesText = text.hasSuffix("b") && text.dropLast().allSatisfy(\.isNumber) ? text.dropLast() + "B" : text
            guard let size = ByteCount(bytesText), size.bytes >= 1 else { return nil }
            self = .download(bodyBytes: size.bytes)
        }
    }

    /// Small-stream scenarios, where the client's cost is per stream rather than per byte.
    public var isSmallStreams: Bool {
        switch self {
        case .download(let n): n <= 1024
        case .unary, .threadScaling: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .download(let n): "GET \(ByteCount(bytes: n))"
        case .manyStreams: "10k streams"
        case .overhead: "overhead"
        case .idleWake: "idle wake"
        case .soak: "soak"
        case .unary: "gRPC unary \(ByteCount(bytes: Self.unaryPayloadBytes))"
        case .threadScaling: "GET 100 B, 1 vs 2 threads"
        }
    }
}
