import Foundation
import H2TestSupport
import Testing
import H2Target

/// grpcio (the C-core gRPC stack, through python) against the embedded server: generic
/// calls to grpc.testing.TestService, messages built from a runtime descriptor
/// (`interop/grpc_client.py`).
@Suite("python grpcio → embedded server", .serialized,
       .disabled(if: InteropEnvironment.skipWithoutGRPC, "python3 with grpcio + protobuf not found (run scripts/setup.sh)"))
struct GRPCInteropTests {
    /// What `grpc_client.py` prints (one JSON line); fields depend on the sub-command.
    struct ClientSummary: Decodable {
        var ok: Bool
        var check: String
        var errors: [String]
        var requested: RequestedSizes?
        var received: ReceivedSizes?
        var calls: Int?
        var code: String?
    }

    /// `requested`: a list (streaming) or one size (unary).
    enum RequestedSizes: Decodable, Equatable {
        case list([Int]), one(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int.self) { self = .one(v) } else { self = .list(try c.decode([Int].self)) }
        }
    }

    /// `received`: one list per call (streaming) or one size (unary).
    enum ReceivedSizes: Decodable, Equatable {
        case perCall([[Int]]), one(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int.self) { self = .one(v) } else { self = .perCall(try c.decode([[Int]].self)) }
        }
    }

    /// Runs the python client (killed after 90 s) against a fresh in-process server.
    func client(_ arguments: [String]) async throws -> (ClientSummary?, ServerStats, Subprocess.Outcome) {
        let python3 = try #require(InteropEnvironment.python3, "CI is set but python3 is missing: scripts/setup.sh should have installed it")
        try #require(InteropEnvironment.grpcAvailable, "CI is set but `\(python3)` cannot import grpc/google.protobuf: scripts/setup.sh should have installed grpcio and protobuf")
        let server = try EmbeddedServer.start(EmbeddedServerConfig())
        let outcome: Subprocess.Outcome
        do {
            outcome = try await Subprocess.run(
                python3, [InteropEnvironment.grpcClientScript, "--target", "127.0.0.1:\(server.port)", "--timeout", "60"] + arguments,
                timeout: 90)
        } catch {
            _ = server.stop()
            throw error
        }
        let stats = server.stop()
        #expect(!outcome.timedOut, "grpc_client.py did not finish within 90 s: \(outcome)")
        let lastLine = outcome.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let summary = try? JSONDecoder().decode(ClientSummary.self, from: Data(lastLine.utf8))
        #expect(summary != nil, "no JSON summary line from grpc_client.py: \(outcome)")
        return (summary, stats, outcome)
    }

    /// Sizes around varint, frame (16 KiB) and window (64 KiB) boundaries, up to 2 MiB.
    static let sizes = [0, 1, 31, 32, 100, 125, 126, 1000, 16380, 16381, 16384, 16385,
                        65535, 65536, 65537, 100_000, 262_144, 1_000_000, 1_048_576, 2_097_152]

    @Test("StreamingOutputCall: 4 concurrent calls × 20 paced responses of exact sizes")
    func streamingOutputCall() async throws {
        let calls = 4
        let (summary, stats, outcome) = try await client([
            "streaming", "--sizes", Self.sizes.map(String.init).joined(separator: ","),
            "--interval-us", "0,200,0,1000", "--calls", "\(calls)",
        ])
        #expect(outcome.status == 0, "\(outcome)")
        let s = try #require(summary)
        #expect(s.ok, "\(outcome)")
        #expect(s.errors.isEmpty, "\(s.errors)")
        #expect(s.requested == .list(Self.sizes))
        #expect(s.received == .perCall(Array(repeating: Self.sizes, count: calls)), "\(outcome)")
        #expect(stats.streamsStarted == calls)
        #expect(stats.streamsFinished == calls)
        #expect(stats.messagesQueued == calls * Self.sizes.count)
    }

    @Test("UnaryCall with response_size", arguments: [0, 1000, 70_000])
    func unaryCall(size: Int) async throws {
        let (summary, stats, outcome) = try await client(["unary", "--size", "\(size)"])
        #expect(outcome.status == 0, "\(outcome)")
        let s = try #require(summary)
        #expect(s.ok, "\(outcome)")
        #expect(s.requested == .one(size))
        #expect(s.received == .one(size))
        #expect(stats.streamsFinished == 1)
        #expect(stats.messagesQueued == 1)
    }

    @Test("an unknown gRPC method fails with UNIMPLEMENTED (grpc-status 12)")
    func unknownMethodIsUnimplemented() async throws {
        let (summary, stats, outcome) = try await client(["unimplemented", "--method", "/grpc.testing.TestService/NoSuchMethod"])
        #expect(outcome.status == 0, "\(outcome)")
        let s = try #require(summary)
        #expect(s.code == "UNIMPLEMENTED", "\(outcome)")
        #expect(stats.messagesQueued == 0)
    }
}
