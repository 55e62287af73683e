import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import H2Loop
import H2TestSupport
import Testing

/// `h2stress run --metrics` scraped by a real Prometheus server (Debian's `prometheus`) on
/// loopback: at the end, what Prometheus answers through its HTTP API equals `run.json`, and
/// `promtool check metrics` accepts the exposition. Also: a `--metrics` address that cannot be
/// used is a user error (exit 64) naming the flag.
@Suite(.serialized, .disabled(if: H2StressExecutable.path == nil, "h2stress executable not found next to the test bundle"))
struct PrometheusScrapeTests {
    static let profileYAML = """
        name: metrics-e2e
        target: embedded
        warmup: 0s
        duration: 3s
        connections: 2
        streamsPerConnection: 8
        mix:
          - weight: 1
            http.get: {size: 4KiB}
          - weight: 1
            grpc.serverStream: {messages: 5, size: 1KiB, interval: 1ms}
        sweep:
          threads: [1, 2]
        """

    /// `prometheus` and `promtool` on PATH; the test fails (not skips) without them.
    static func tool(_ name: String) throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        return try #require(path, "`\(name)` is not installed: scripts/setup.sh installs it (Debian package `prometheus`); CI runs it first")
    }

    /// GET `url`: the status and body, or nil when nothing answered within 5 s.
    static func get(_ url: String) async -> (status: Int, body: Data)? {
        guard let url = URL(string: url) else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 5
        guard let (data, response) = try? await URLSession.shared.data(for: request),
              let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, data)
    }

    /// An instant query through Prometheus's HTTP API: `labels → value` per series.
    static func query(_ prometheus: String, _ promQL: String) async throws -> [[String: String]: Double] {
        let encoded = try #require(promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        let answer = try #require(await get("\(prometheus)/api/v1/query?query=\(encoded)"), "no answer to \(promQL)")
        let json = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
        #expect(json["status"] as? String == "success", "\(promQL): \(String(decoding: answer.body, as: UTF8.self))")
        let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        var out: [[String: String]: Double] = [:]
        for series in result {
            var labels = series["metric"] as? [String: String] ?? [:]
            labels["__name__"] = nil
            labels["instance"] = nil
            labels["job"] = nil
            let value = (series["value"] as? [Any])?.last as? String
            out[labels] = value.flatMap(Double.init)
        }
        return out
    }

    /// Polls `condition` every 250 ms until it holds or `seconds` pass.
    static func waitUntil(_ seconds: Double, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = MonotonicClock.now() + UInt64(seconds * 1e9)
        while MonotonicClock.now() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return try await condition()
    }

    /// `series → value` for every sample line of an exposition.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }

    static func freePort() throws -> UInt16 {
        var (socket, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        socket.close()
        return port
    }

    @Test("Prometheus scrapes a run; its API's figures at the end equal run.json; promtool accepts the exposition")
    func scrapedRunEqualsRunJSON() async throws {
        let exe = try #require(H2StressExecutable.path)
        let prometheusBinary = try Self.tool("prometheus")
        let promtool = try Self.tool("promtool")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-prom-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work + "/tsdb", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Self.profileYAML.write(toFile: work + "/metrics-e2e.yaml", atomically: true, encoding: .utf8)

        // The run: its final values stay up (linger) until the test has read them through Prometheus.
        let run = try Subprocess(exe, ["run", work + "/metrics-e2e.yaml", "--results-dir", work + "/results",
                                       "--metrics", "127.0.0.1:0", "--metrics-linger", "40s"], lifetime: 60)
        let line = try #require(await run.line(containing: "metrics: listening on", timeout: 20, onStandardError: true),
                                "no `metrics: listening on` line: \(run.stderr)")
        let endpoint = try #require(line.split(separator: " ").last.map(String.init))
        let target = try #require(endpoint.split(separator: "/").dropFirst().first.map(String.init), "no host:port in \(endpoint)")
        #expect(endpoint == "http://\(target)/metrics")

        // Prometheus scraping it every second.
        let promPort = try Self.freePort()
        try """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: h2stress
                static_configs:
                  - targets: ["\(target)"]
            """.write(toFile: work + "/prometheus.yml", atomically: true, encoding: .utf8)
        let prometheus = try Subprocess(prometheusBinary, [
            "--config.file=\(work)/prometheus.yml", "--storage.tsdb.path=\(work)/tsdb",
            "--web.listen-address=127.0.0.1:\(promPort)", "--storage.tsdb.retention.time=1h",
        ], lifetime: 60)
        defer { prometheus.send(SIGKILL) }
        let api = "http://127.0.0.1:\(promPort)"

        // While a cell runs, a scrape shows its live figures: streams done and open, not finished.
        var live: [String: Double] = [:]
        let sawLive = await Self.waitUntil(15) {
            guard let scrape = await Self.get(endpoint), scrape.status == 200 else { return false }
            live = Self.samples(String(decoding: scrape.body, as: UTF8.self))
            return live.contains { $0.key.hasPrefix("h2stress_cell_finished{") && $0.value == 0 }
                && live.contains { $0.key.hasPrefix("h2stress_open_streams{") && $0.value > 0 }
                && live.contains { $0.key.hasPrefix("h2stress_streams_total{") && $0.key.hasSuffix("outcome=\"complete\"}") && $0.value > 0 }
        }
        #expect(sawLive, "no scrape showed a running cell's live figures: \(live)")
        let ready = await Self.waitUntil(20) { await Self.get("\(api)/-/ready")?.status == 200 }
        try #require(ready, "Prometheus did not become ready: \(prometheus.stderr.suffix(2000))")

        // Both cells finished as Prometheus sees them (the last scrape holds the final values).
        let finished = try await Self.waitUntil(30) {
            let f = try await Self.query(api, "h2stress_cell_finished")
            return f.count == 2 && f.values.allSatisfy { $0 == 1 }
        }
        try #require(finished, "Prometheus never saw both cells finished; h2stress: \(run.stderr)")
        let up = try await Self.query(api, "up")
        #expect(up.values.first == 1, "\(up)")

        let streams = try await Self.query(api, "h2stress_streams_total")
        let started = try await Self.query(api, "h2stress_streams_started_total")
        let bytes = try await Self.query(api, "h2stress_received_bytes_total")
        let messages = try await Self.query(api, "h2stress_messages_total")
        let open = try await Self.query(api, "h2stress_open_streams")
        let ttfbCount = try await Self.query(api, "h2stress_ttfb_seconds_count")
        let wakeCount = try await Self.query(api, "h2stress_wake_poll_seconds_count")
        let ttfbP99 = try await Self.query(api, "histogram_quantile(0.99, sum by (le) (h2stress_ttfb_seconds_bucket))")

        // Every query of the shipped Grafana dashboard runs and finds data (rates need two
        // scrapes in their window: wait for three of the lingering run).
        let scrapes = try await Self.waitUntil(20) {
            try await Self.query(api, "count_over_time(h2stress_cell_finished[10s])").values.min() ?? 0 >= 3
        }
        #expect(scrapes, "Prometheus did not scrape three times")
        for expression in try GrafanaDashboard().expressions {
            let answer = try await Self.query(api, GrafanaDashboard.concrete(expression, rateInterval: "10s"))
            #expect(!answer.isEmpty, "the dashboard's `\(expression)` found nothing")
        }

        // promtool on the exposition as served now.
        let exposition = try #require(await Self.get(endpoint), "the endpoint did not answer")
        #expect(exposition.status == 200)
        try exposition.body.write(to: URL(fileURLWithPath: work + "/exposition.txt"))
        let check = try await Subprocess.run("/bin/sh", ["-c", "\"$0\" check metrics < \"$1\"", promtool, work + "/exposition.txt"], timeout: 20)
        #expect(check.status == 0, "promtool check metrics: \(check)")

        // Ctrl-C ends the linger; the run's own exit status stays.
        let lingering = await run.line(containing: "metrics: serving the final values", timeout: 20, onStandardError: true)
        #expect(lingering != nil, "\(run.stderr)")
        run.send(SIGINT)
        let status = await run.exitStatus(timeout: 20)
        #expect(status == 0, "exit \(String(describing: status)): \(run.stderr)")

        let runs = try FileManager.default.contentsOfDirectory(atPath: work + "/results")
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(work)/results/\(try #require(runs.first))/run.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cells = try #require(json["cells"] as? [[String: Any]])
        try #require(cells.count == 2)
        var totalStreams = 0
        for cell in cells {
            let id = try #require(cell["id"] as? String)
            let labels = ["profile": "metrics-e2e", "variant": try #require(cell["variant"] as? String), "cell": id, "shard": "0/1"]
            let counts = try #require(cell["streams"] as? [String: Int])
            #expect(counts.count == 9)
            for (outcome, count) in counts {
                #expect(streams[labels.merging(["outcome": outcome]) { $1 }] == Double(count), "\(id) \(outcome)")
            }
            totalStreams += counts.values.reduce(0, +)
            #expect(try #require(counts["complete"]) > 100, "the cell did work: \(counts)")
            #expect(started[labels] == Double(try #require(cell["streamsStarted"] as? Int)), "\(id) started")
            #expect(bytes[labels] == Double(try #require(cell["bytesReceived"] as? Int)), "\(id) bytes")
            #expect(messages[labels] == Double(try #require(cell["messagesReceived"] as? Int)), "\(id) messages")
            #expect(open[labels] == 0)
            let latency = try #require(cell["latency"] as? [String: [String: Any]])
            #expect(ttfbCount[labels] == Double(try #require(latency["ttfb"]?["count"] as? Int)), "\(id) ttfb count")
            if let wake = latency["wakePoll"]?["count"] as? Int {
                #expect(wakeCount[labels] == Double(wake), "\(id) wakePoll count")
            }
        }
        #expect(streams.count == 2 * 9)
        #expect(streams.values.reduce(0, +) == Double(totalStreams))
        let p99 = try #require(ttfbP99.values.first)
        #expect(p99 > 0 && p99 < 10, "ttfb p99 from the histogram: \(p99) s")
    }

    @Test("a shard labels its series shard=\"i/N\", and its final counts are its own run.json's")
    func shardLabel() async throws {
        let exe = try #require(H2StressExecutable.path)
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-prom-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let profile = Self.profileYAML.replacingOccurrences(of: "duration: 3s", with: "duration: 1s")
            .replacingOccurrences(of: "threads: [1, 2]", with: "threads: [1]").replacingOccurrences(of: "connections: 2", with: "connections: 3")
        try profile.write(toFile: work + "/metrics-e2e.yaml", atomically: true, encoding: .utf8)
        let run = try Subprocess(exe, ["run", work + "/metrics-e2e.yaml", "--results-dir", work + "/results", "--shard", "1/3",
                                       "--metrics", "127.0.0.1:0", "--metrics-linger", "30s"], lifetime: 60)
        let line = try #require(await run.line(containing: "metrics: listening on", timeout: 20, onStandardError: true), "\(run.stderr)")
        let endpoint = try #require(line.split(separator: " ").last.map(String.init))
        var exposition = ""
        let finished = await Self.waitUntil(20) {
            guard let answer = await Self.get(endpoint), answer.status == 200 else { return false }
            exposition = String(decoding: answer.body, as: UTF8.self)
            return Self.samples(exposition).contains { $0.key.hasPrefix("h2stress_cell_finished{") && $0.value == 1 }
        }
        #expect(finished, "the cell never finished: \(exposition.prefix(2000))")
        let series = Self.samples(exposition).filter { $0.key.hasPrefix("h2stress_") }
        #expect(!series.isEmpty)
        #expect(series.keys.allSatisfy { $0.contains("shard=\"1/3\"") }, "\(series.keys.filter { !$0.contains("shard=\"1/3\"") }.prefix(3))")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: work + "/results").first { $0.contains("shard-1-of-3") })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/results/\(folder)/run.json"))) as? [String: Any])
        let cell = try #require((json["cells"] as? [[String: Any]])?.first)
        let complete = try #require((cell["streams"] as? [String: Int])?["complete"])
        let scraped = try #require(series.first { $0.key.hasPrefix("h2stress_streams_total{") && $0.key.contains("outcome=\"complete\"") }?.value)
        #expect(scraped == Double(complete), "shard 1/3's complete streams")
        #expect(try #require(cell["streamsStarted"] as? Int) > 0)
    }

    @Test("a --metrics address that cannot be used exits 64 naming the flag, before any load", arguments: ["taken", "9464", "127.0.0.1:99999"])
    func unusableAddress(kind: String) async throws {
        let exe = try #require(H2StressExecutable.path)
        var listener: TCPSocket?
        var address = kind
        if kind == "taken" {
            let (socket, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
            listener = socket
            address = "127.0.0.1:\(port)"
        }
        defer { listener?.close() }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-prom-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try Self.profileYAML.write(toFile: work + "/metrics-e2e.yaml", atomically: true, encoding: .utf8)
        let outcome = try await Subprocess.run(exe, ["run", work + "/metrics-e2e.yaml", "--results-dir", work + "/results",
                                                     "--metrics", address], timeout: 30)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains("`--metrics \(address)`"), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"))
        #expect(!FileManager.default.fileExists(atPath: work + "/results"), "no run folder for a run that never began")
    }
}
