import Foundation
import H2Loop
@testable import H2Target
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
        #expect(bench.stdout.contains("CPU per stream h2stress ≤ 1.00× h2load, GET 100B:"), "\(bench)")
        #expect(bench.stdout.contains("CPU per stream h2stress ≤ 1.00× h2load, gRPC unary 100B:"), "\(bench)")
        #expect(bench.stdout.contains("-H content-type: application/grpc -H te: trailers"), "h2load posts the gRPC request: \(bench)")
        #expect(rows.count == 4, "\(rows)")
        #expect(rows.allSatisfy { ($0["failures"] as? Int) == 0 }, "\(rows)")
        #expect(rows.allSatisfy { ($0["requestsPerSecond"] as? Double ?? 0) > 0 }, "\(rows)")
        // The unary responses are 5 + 4 + 100 bytes (gRPC prefix, payload header, body) per stream.
        let unary = rows.filter { ($0["scenario"] as? String) == "gRPC unary 100B" }
        #expect(unary.count == 2 && unary.allSatisfy { ($0["bytesPerStream"] as? Int) == 109 }, "\(unary)")
    }

    @Test("--target: 100b and threads against nghttpd with client-side byte counts; a path of the wrong size is caught")
    func externalTarget() async throws {
        let nghttpd = try #require(InteropEnvironment.executable(named: "nghttpd"), "nghttpd not found: scripts/setup.sh installs nghttp2-server")
        let root = NSTemporaryDirectory() + "h2stress-bench-docroot-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Data(repeating: 0x61, count: 100).write(to: URL(fileURLWithPath: root + "/f100"))
        try Data(repeating: 0x62, count: 1000).write(to: URL(fileURLWithPath: root + "/f1000"))
        var (probe, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0, backlog: 1)
        probe.close()
        let server = try Subprocess(nghttpd, ["--no-tls", "-d", root, String(port)], lifetime: 300)
        defer { server.send(SIGKILL) }
        // nghttpd prints nothing when it is ready: wait (≤ 10 s) until it accepts.
        let deadline = MonotonicClock.now() + 10_000_000_000
        while !ManagedTargetLauncher.accepts(port: port) {
            try #require(MonotonicClock.now() < deadline, "nghttpd did not listen on \(port) within 10 s")
            try await Task.sleep(nanoseconds: 20_000_000)
        }

        let (bench, rows) = try await Self.bench(["--scenarios", "100b,threads", "--target", "h2c://127.0.0.1:\(port)/f100"])
        #expect(bench.stdout.contains("target h2c://127.0.0.1:\(port)/f100 (external"), "\(bench)")
        #expect(bench.stdout.contains("CPU per stream with 2 threads ≤ 1.10× the 1-thread figure:"), "\(bench)")
        #expect(Set(rows.compactMap { $0["scenario"] as? String }) == ["GET 100B", "GET 100 B, 1 thread", "GET 100 B, 2 threads"], "\(rows)")
        #expect(rows.count == 6, "both clients in each of the three: \(rows)")
        #expect(rows.allSatisfy { ($0["failures"] as? Int) == 0 && ($0["bytesPerStream"] as? Int) == 100 }, "\(rows)")
        #expect(rows.allSatisfy { $0["serverCPUSeconds"] == nil && $0["bytesServedWholeRun"] == nil }, "nothing is known of an external server: \(rows)")
        let notes = rows.flatMap { ($0["notes"] as? [String]) ?? [] }
        #expect(notes.contains { $0.hasPrefix("h2load -t 2 ") && $0.hasSuffix("…/f100") }, "\(notes)")
        for row in rows where (row["client"] as? String) == "h2stress" && (row["scenario"] as? String) == "GET 100B" {
            // One run (the `threads` rows are medians). No warm-up against an external target:
            // CPU-s/GB divides by the bytes the driver counted, which are 100 per completed stream.
            let bytes = try #require(row["bodyBytes"] as? Int)
            let cpu = try #require(row["cpuUserSeconds"] as? Double) + (try #require(row["cpuSystemSeconds"] as? Double))
            let perGB = try #require(row["cpuSecondsPerGB"] as? Double)
            #expect(bytes > 0 && abs(perGB - cpu / (Double(bytes) / 1e9)) <= perGB * 1e-9, "\(row)")
            let completed = try #require(row["requestsPerSecond"] as? Double) * (try #require(row["measuredSeconds"] as? Double))
            #expect(abs(completed * 100 - Double(bytes)) <= Double(bytes) * 0.01, "100 bytes per completed stream: \(row)")
        }

        // The same path against a 1000-byte scenario: every stream is 900 bytes short of plan.
        let (_, wrong) = try await Self.bench(["--scenarios", "1000b", "--target", "h2c://127.0.0.1:\(port)/f100"])
        let ours = try #require(wrong.first { ($0["client"] as? String) == "h2stress" })
        #expect((ours["failures"] as? Int ?? 0) > 0, "a response of the wrong size fails the stream: \(ours)")
    }
}
