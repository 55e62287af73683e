import Foundation
import H2TestSupport
import Testing
import H2Target
import H2Wire
import H2Bench

/// nghttp2's own load generator against the embedded server: an independent HTTP/2 client
/// must get every byte the server says it sent.
@Suite("h2load → embedded server", .serialized,
       .disabled(if: InteropEnvironment.skipWithoutH2load, "h2load not found (apt-get install nghttp2-client, or run scripts/setup.sh)"))
struct H2LoadInteropTests {
    /// Runs h2load (killed after 60 s) against a fresh in-process server; returns its
    /// parsed summary and the server's counters.
    func load(path: String, _ options: [String], settings: HTTP2Settings = HTTP2Settings()) async throws
        -> (H2LoadSummary, ServerStats, Subprocess.Outcome)
    {
        let h2load = try #require(InteropEnvironment.h2load, "CI is set but h2load is missing: scripts/setup.sh should have installed nghttp2-client")
        let server = try EmbeddedServer.start(EmbeddedServerConfig(settings: settings))
        let outcome: Subprocess.Outcome
        do {
            outcome = try await Subprocess.run(h2load, options + ["http://127.0.0.1:\(server.port)\(path)"], timeout: 60)
        } catch {
            _ = server.stop()
            throw error
        }
        let stats = server.stop()
        #expect(!outcome.timedOut, "h2load did not finish within 60 s: \(outcome)")
        #expect(outcome.status == 0, "\(outcome)")
        let summary = try #require(H2LoadSummary(output: outcome.stdout), "no requests/status codes lines in h2load output: \(outcome)")
        return (summary, stats, outcome)
    }

    @Test("2000 × GET /bytes/65536 over 10 connections, 100 streams each")
    func bytes64KiB() async throws {
        let n = 2000, size = 65536
        let (summary, stats, outcome) = try await load(path: "/bytes/\(size)", ["-n", "\(n)", "-c", "10", "-m", "100", "-t", "1"])
        #expect(summary.requests["total"] == n, "\(outcome)")
        #expect(summary.requests["done"] == n)
        #expect(summary.requests["succeeded"] == n)
        #expect(summary.requests["failed"] == 0)
        #expect(summary.requests["errored"] == 0)
        #expect(summary.statusCodes["2xx"] == n)
        #expect(stats.connectionsAccepted == 10)
        #expect(stats.streamsStarted == n)
        #expect(stats.streamsFinished == n)
        #expect(stats.dataBytesSent == n * size)
    }

    @Test("200 × GET /bytes/1048576 with 1 MiB stream and 16 MiB connection windows")
    func bytes1MiBLargeWindows() async throws {
        let n = 200, size = 1 << 20
        let (summary, stats, outcome) = try await load(path: "/bytes/\(size)", ["-n", "\(n)", "-c", "2", "-m", "10", "-t", "1", "-w", "20", "-W", "24"])
        #expect(summary.requests["succeeded"] == n, "\(outcome)")
        #expect(summary.requests["errored"] == 0)
        #expect(summary.statusCodes["2xx"] == n)
        #expect(stats.streamsFinished == n)
        #expect(stats.dataBytesSent == n * size)
    }

    @Test("GET /bytes/<edge size> sends exactly that many bytes", arguments: [0, 1, 16383, 16384, 16385, 65537, 262145])
    func edgeSizes(size: Int) async throws {
        let n = 20
        let (summary, stats, outcome) = try await load(path: "/bytes/\(size)", ["-n", "\(n)", "-c", "1", "-m", "4", "-t", "1"])
        #expect(summary.requests["succeeded"] == n, "\(outcome)")
        #expect(summary.statusCodes["2xx"] == n)
        #expect(stats.streamsFinished == n)
        #expect(stats.dataBytesSent == n * size)
    }

    @Test("an unknown plain path is answered 404 with no body")
    func unknownPathIs404() async throws {
        let n = 20
        let (summary, stats, outcome) = try await load(path: "/no/such/path", ["-n", "\(n)", "-c", "1", "-m", "5", "-t", "1"])
        #expect(summary.requests["done"] == n, "\(outcome)")
        #expect(summary.requests["errored"] == 0)
        #expect(summary.statusCodes["4xx"] == n)
        #expect(summary.statusCodes["2xx"] == 0)
        #expect(stats.dataBytesSent == 0)
    }
}

/// The h2load output parser itself (no h2load needed).
@Suite("H2LoadSummary parsing")
struct H2LoadSummaryTests {
    @Test func parsesRequestsAndStatusCodes() throws {
        let text = """
        finished in 1.02s, 1960.78 req/s, 122.60MB/s
        requests: 2000 total, 2000 started, 1999 done, 1998 succeeded, 2 failed, 1 errored, 0 timeout
        status codes: 1998 2xx, 0 3xx, 1 4xx, 0 5xx
        traffic: 125.04MB (131115437) total, 31.44KB (32195) headers (space savings 95.12%), 125.00MB (131072000) data
        """
        let s = try #require(H2LoadSummary(output: text))
        #expect(s.requests == ["total": 2000, "started": 2000, "done": 1999, "succeeded": 1998, "failed": 2, "errored": 1, "timeout": 0])
        #expect(s.statusCodes == ["2xx": 1998, "3xx": 0, "4xx": 1, "5xx": 0])
    }

    @Test func rejectsOutputWithoutSummary() {
        #expect(H2LoadSummary(output: "starting benchmark...\nNo protocol negotiated\n") == nil)
        #expect(H2LoadSummary(output: "requests: lots\nstatus codes: 1 2xx\n") == nil)
    }
}
