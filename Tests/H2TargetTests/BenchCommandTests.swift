import Foundation
import H2TestSupport
import Testing
import H2Bench

/// `h2stress bench` end to end, as a smoke test of its plumbing (the figures themselves come
/// from release builds; see BENCHMARKS.md): the overhead scenario's side-by-side rounds and a
/// download scenario with `--side-by-side` run, fail nothing, and print their goal lines.
@Suite("h2stress bench (subprocess)", .serialized,
       .disabled(if: InteropEnvironment.h2stressExecutable == nil && !InteropEnvironment.isCI,
                 "h2stress executable not found next to the test bundle (run `swift build --build-tests`)"),
       .disabled(if: InteropEnvironment.skipWithoutH2load, "h2load not found (run scripts/setup.sh)"))
struct BenchCommandTests {
    /// Runs a short `bench` (500 ms per client, 2 connections × 10 streams) with `arguments` and
    /// `--json`; returns the process outcome and the JSON's `rows`.
    static func bench(_ arguments: [String]) async throws -> (Subprocess.Outcome, [[String: Any]]) {
        let exe = try #require(InteropEnvironment.h2stressExecutable, "h2stress executable not found next to the test bundle")
        let json = NSTemporaryDirectory() + "h2stress-bench-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: json) }
        let bench = try await Subprocess.run(exe, ["bench", "--duration", "500ms", "--warmup", "200ms", "--repeats", "1",
                                                   "--connections", "2", "--streams", "10", "--json", json] + arguments, timeout: 120)
        #expect(bench.status == 0, "\(bench)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        return (bench, try #require(root["rows"] as? [[String: Any]]))
    }

    @Test("overhead and 64k --side-by-side run and report their goals")
    func overheadAndSideBySide() async throws {
        let (bench, rows) = try await Self.bench(["--scenarios", "overhead,64k", "--side-by-side"])
        #expect(bench.stdout.contains("measurement overhead (stamps,timestamps,traces, checksum 1/64) ≤ 5% of CPU-s/GB:"), "\(bench)")
        #expect(bench.stdout.contains("(median of 3 rounds, each on ÷ off"), "three rounds at least: \(bench)")
        #expect(bench.stdout.contains("GET 64KiB, side by side:"), "\(bench)")
        #expect(Set(rows.compactMap { $0["client"] as? String })
                == ["h2stress (measurement on)", "h2stress (measurement off)", "h2stress", "h2load"])
        #expect(rows.allSatisfy { ($0["failures"] as? Int) == 0 }, "\(rows)")
        let notes = rows.flatMap { ($0["notes"] as? [String]) ?? [] }
        #expect(notes.contains { $0.hasPrefix("checksum 1/64:") && $0.contains("stamps checked") }, "\(notes)")
    }

    @Test("100b and unary: both clients, nothing fails, CPU per stream in the table and the goals")
    func smallStreams() async throws {
        let (bench, rows) = try await Self.bench(["--scenarios", "100b,unary"])
        #expect(bench.stdout.contains("µs/stream"), "\(bench)")
        #expect(bench.stdout.contains("CPU per stream h2stress ≤ 1.0× h2load, GET 100B:"), "\(bench)")
        #expect(bench.stdout.contains("CPU per stream h2stress ≤ 1.0× h2load, gRPC unary 100B:"), "\(bench)")
        #expect(bench.stdout.contains("-H content-type: application/grpc -H te: trailers"), "h2load posts the gRPC request: \(bench)")
        #expect(rows.count == 4, "\(rows)")
        #expect(rows.allSatisfy { ($0["failures"] as? Int) == 0 }, "\(rows)")
        #expect(rows.allSatisfy { ($0["requestsPerSecond"] as? Double ?? 0) > 0 }, "\(rows)")
        // The unary responses are 5 + 4 + 100 bytes (gRPC prefix, payload header, body) per stream.
        let unary = rows.filter { ($0["scenario"] as? String) == "gRPC unary 100B" }
        #expect(unary.count == 2 && unary.allSatisfy { ($0["bytesPerStream"] as? Int) == 109 }, "\(unary)")
    }
}
