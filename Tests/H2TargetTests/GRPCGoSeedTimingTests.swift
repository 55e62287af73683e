import Foundation
import H2TestSupport
import Testing
import H2Target

/// The seed case against grpc-go (1.33, Debian's `golang-google-grpc-dev`), the stack it was
/// measured on: `interop/grpcgo` serves `grpc.testing.TestService` and is started per cell as a
/// managed target; its `client` subcommand is grpc-go's own client, run against the same server
/// with the same windows, so the verdicts are compared with a real gRPC client's in the same
/// test. Timing: the consumed time is compared with grpc-go's call time (± 300 ms) and the
/// deadline left at the server (2.5–3 s).
@Suite("seed case: driver and grpc-go's client → grpc-go server", .serialized, .tags(.timing),
       .disabled(if: InteropEnvironment.skipWithoutGRPCGo, "`.build-go/h2stress-grpcgo` not built (run interop/grpcgo/build.sh; scripts/test.sh does)"))
struct GRPCGoSeedTimingTests {
    /// What `h2stress-grpcgo client` prints (the fields the test compares).
    struct GoClientResult: Decodable {
        var statuses: [String: Int]
        /// Messages the application's `Recv()` returned → number of streams.
        var received: [String: Int]
        var durationMs: [String: Double]
        var gomaxprocs: Int
        var timedOut: Bool
    }

    /// The server's `stats` line, printed when it stops.
    struct GoServerStats: Decodable {
        struct Remaining: Decodable { var min: Double; var max: Double }
        var calls: Int
        var callsWithDeadline: Int
        var deadlineRemainingMs: Remaining?
        var gomaxprocs: Int
        var streamWindow: Int
        var connWindow: Int
    }

    static func stats(_ stdout: String?) -> GoServerStats? {
        guard let line = stdout?.split(separator: "\n").last(where: { $0.hasPrefix("stats ") }) else { return nil }
        return try? JSONDecoder().decode(GoServerStats.self, from: Data(line.dropFirst("stats ".count).utf8))
    }

    /// grpc-go's own client against a fresh grpc-go server with `window` on both sides.
    static func goClient(window: Int, gomaxprocs: Int) async throws -> GoClientResult {
        _ = try GRPCGoInteropTests.server()
        let outcome = try await Subprocess.run("/bin/bash", [InteropEnvironment.grpcGoSeedScript, String(window), String(gomaxprocs)],
                                                 timeout: 90)
        #expect(outcome.status == 0 && !outcome.timedOut, "\(outcome)")
        let line = try #require(outcome.stdout.split(separator: "\n").first { $0.hasPrefix("{") }, "\(outcome)")
        return try JSONDecoder().decode(GoClientResult.self, from: Data(line.utf8))
    }

    /// The issue's table: the seed case (`profiles/seed-grpcgo.yaml`, as shipped) against grpc-go
    /// with GOMAXPROCS 1 and 2. 64 KiB windows → every stream `deadline` with exactly 47
    /// messages arrived; 1 MiB windows → every stream complete. grpc-go's own client, same
    /// server and windows, gives the same verdicts and the same message counts.
    @Test("seed case: h2stress and grpc-go's own client agree (64 KiB → 200 deadline after 47; 1 MiB → 200 complete), GOMAXPROCS 1 and 2")
    func seedCaseMatchesGrpcGoClient() async throws {
        let profileURL = InteropEnvironment.repositoryRoot.appendingPathComponent("profiles/seed-grpcgo.yaml")
        let yaml = try String(contentsOf: profileURL, encoding: .utf8)
            .replacingOccurrences(of: "\".build-go/h2stress-grpcgo\"", with: ManagedTargetRun.quoted(try GRPCGoInteropTests.server()))
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 4)
        for procs in [1, 2] {
            for (variant, window) in [("window-64k", 65_535), ("window-1m", 1 << 20)] {
                let id = "\(variant)/t1/s\(procs)/r1"
                let cell = try #require(run.cell(id), "\(run.result.cells.map(\.id))")
                let go = try await Self.goClient(window: window, gomaxprocs: procs)
                print("seed vs grpc-go, \(id): h2stress \(cell.streams), arrived \(Set(cell.failures.map(\.messagesReceived)).sorted()),"
                      + " consumed p50 \(cell[.consumedDuration].p50 / 1000) ms; grpc-go client \(go.statuses), Recv counts \(go.received),"
                      + " duration p50 \(go.durationMs["p50"] ?? -1) ms")
                #expect(go.gomaxprocs == procs && !go.timedOut)
                #expect(cell.connectionErrors.isEmpty, "\(id): \(cell.connectionErrors.prefix(2))")
                if window == 65_535 {
                    #expect(go.statuses == ["DeadlineExceeded": 200] && go.received == ["47": 200], "grpc-go client: \(go.statuses) \(go.received)")
                    #expect(cell.streams.deadline == 200, "\(id): \(cell.streams) \(cell.failures.prefix(2))")
                    #expect(cell.failures.count == 200 && cell.failures.allSatisfy { $0.messagesReceived == 47 },
                            "\(id): arrived \(Set(cell.failures.map(\.messagesReceived)))")
                    // The same figure as the Go client's call time: drain 47 messages at 100 ms.
                    let goP50 = try #require(go.durationMs["p50"])
                    #expect(abs(cell[.consumedDuration].p50 / 1000 - goP50) < 300,
                            "consumed p50 \(cell[.consumedDuration].p50 / 1000) ms vs grpc-go \(goP50) ms")
                } else {
                    #expect(go.statuses == ["OK": 200] && go.received == ["100": 200], "grpc-go client: \(go.statuses) \(go.received)")
                    #expect(cell.streams.complete == 200 && cell.streams.failed == 0, "\(id): \(cell.streams) \(cell.failures.prefix(2))")
                }
                // The deadline reached the server: grpc-go saw grpc-timeout on every call, ≈ 3 s left.
                let target = try #require(cell.target)
                let stats = try #require(Self.stats(run.targetFiles[target.stdoutFile]), "no stats line from the grpc-go server")
                #expect(stats.gomaxprocs == procs && stats.streamWindow == window && stats.connWindow == window)
                #expect(stats.calls == 200 && stats.callsWithDeadline == 200, "\(id): \(stats.callsWithDeadline) of \(stats.calls) calls had grpc-timeout")
                let remaining = try #require(stats.deadlineRemainingMs)
                #expect(remaining.max <= 3000 && remaining.min >= 2500, "\(id): \(remaining.min)…\(remaining.max) ms left at arrival")
            }
        }
    }
}
