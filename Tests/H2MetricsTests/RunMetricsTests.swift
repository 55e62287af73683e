import H2Metrics
import H2Profile
import H2Results
import Synchronization
import Testing

/// The exposition of known cells: counters equal the cell's figures, histogram buckets count
/// known samples, labels are escaped, live figures only raise counters.
struct RunMetricsTests {
    /// `series → value` for every sample line of an exposition (`name{labels}` as written).
    static func samples(_ exposition: [UInt8]) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in String(decoding: exposition, as: UTF8.self).split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }

    static let labels = #"profile="p",variant="v",cell="v/t1/r1",shard="0/1""#

    /// A cell with known outcomes, bytes, messages and ttfb/wakePoll samples.
    static func knownCell() -> CellResult {
        var m = CellMeasurements()
        m.outcomes.complete = 7
        m.outcomes.truncated = 2
        m.outcomes.integrity = 1
        m.outcomes.unfinished = 3
        m.streamsStarted = 13
        m.bytesReceived = 123_456
        m.messagesReceived = 77
        m.readsWithTimestamp = 10
        // ttfb: 3 µs ×2 (≤ 5 µs), 30 µs (≤ 50 µs), 2 ms (≤ 2.5 ms), 20 s (above every bound).
        for ns: UInt64 in [3_000, 3_000, 30_000, 2_000_000, 20_000_000_000] { m.ttfb.record(nanoseconds: ns) }
        // wakePoll: 700 ns (≤ 1 µs), 15 µs ×3 (≤ 25 µs).
        for ns: UInt64 in [700, 15_000, 15_000, 15_000] { m.wakePoll.record(nanoseconds: ns) }
        return CellResult(index: 0, id: "v/t1/r1", threads: 1, serverThreads: 1, variant: "v", repeat: 1, durationSeconds: 1,
                          measurements: m, cpu: CPUUsage(userSeconds: 0, systemSeconds: 0), peakRSSBytes: 0)
    }

    @Test("a finished cell's counters, gauges and histogram buckets")
    func finishedCell() throws {
        let metrics = RunMetrics(profile: "p")
        metrics.cellFinished(Self.knownCell())
        let s = Self.samples(metrics.exposition())
        let l = Self.labels
        for (outcome, count) in ["complete": 7.0, "truncated": 2, "integrity": 1, "unfinished": 3, "reset": 0, "goaway": 0,
                                 "connectionLost": 0, "deadline": 0, "statusError": 0] {
            #expect(s["h2stress_streams_total{\(l),outcome=\"\(outcome)\"}"] == count, "\(outcome)")
        }
        #expect(s["h2stress_streams_started_total{\(l)}"] == 13)
        #expect(s["h2stress_received_bytes_total{\(l)}"] == 123_456)
        #expect(s["h2stress_messages_total{\(l)}"] == 77)
        #expect(s["h2stress_open_streams{\(l)}"] == 0)
        #expect(s["h2stress_cell_finished{\(l)}"] == 1)
        func bucket(_ name: String, _ le: String) -> Double? { s["\(name)_bucket{\(l),le=\"\(le)\"}"] }
        #expect(bucket("h2stress_ttfb_seconds", "2.5e-06") == 0)
        #expect(bucket("h2stress_ttfb_seconds", "5e-06") == 2)
        #expect(bucket("h2stress_ttfb_seconds", "2.5e-05") == 2)
        #expect(bucket("h2stress_ttfb_seconds", "5e-05") == 3)
        #expect(bucket("h2stress_ttfb_seconds", "0.001") == 3)
        #expect(bucket("h2stress_ttfb_seconds", "0.0025") == 4)
        #expect(bucket("h2stress_ttfb_seconds", "10.0") == 4)
        #expect(bucket("h2stress_ttfb_seconds", "+Inf") == 5)
        #expect(s["h2stress_ttfb_seconds_count{\(l)}"] == 5)
        let sum = try #require(s["h2stress_ttfb_seconds_sum{\(l)}"])
        #expect(abs(sum - 20.002036) < 20.002036 * 0.001, "sum to HdrHistogram precision: \(sum)")
        #expect(bucket("h2stress_wake_poll_seconds", "1e-06") == 1)
        #expect(bucket("h2stress_wake_poll_seconds", "1e-05") == 1)
        #expect(bucket("h2stress_wake_poll_seconds", "2.5e-05") == 4)
        #expect(s["h2stress_wake_poll_seconds_count{\(l)}"] == 4)
        let buckets = s.keys.filter { $0.hasPrefix("h2stress_ttfb_seconds_bucket{") }.count
        #expect(buckets == RunMetrics.latencyBucketsSeconds.count + 1)
    }

    @Test("finishing a cell twice changes nothing")
    func finishedTwice() {
        let metrics = RunMetrics(profile: "p")
        metrics.cellFinished(Self.knownCell())
        let once = metrics.exposition()
        metrics.cellsFinished([Self.knownCell()])
        metrics.cellFinished(Self.knownCell())
        #expect(metrics.exposition() == once)
    }

    @Test("live figures raise the counters at each scrape; the final figures replace them")
    func liveThenFinal() {
        let metrics = RunMetrics(profile: "p", shard: "2/3")
        let live = Mutex(LiveCellCounters())
        metrics.cellStarted(labels: metrics.labels(variant: "v", cell: "v/t1/r1")) { live.withLock { $0 } }
        let l = #"profile="p",variant="v",cell="v/t1/r1",shard="2/3""#
        var s = Self.samples(metrics.exposition())
        #expect(s["h2stress_streams_total{\(l),outcome=\"complete\"}"] == 0)
        #expect(s["h2stress_cell_finished{\(l)}"] == 0)
        live.withLock {
            $0.outcomes.complete = 4
            $0.outcomes.reset = 1
            $0.streamsStarted = 9
            $0.bytesReceived = 1000
            $0.messagesReceived = 5
        }
        s = Self.samples(metrics.exposition())
        #expect(s["h2stress_streams_total{\(l),outcome=\"complete\"}"] == 4)
        #expect(s["h2stress_streams_total{\(l),outcome=\"reset\"}"] == 1)
        #expect(s["h2stress_streams_started_total{\(l)}"] == 9)
        #expect(s["h2stress_received_bytes_total{\(l)}"] == 1000)
        #expect(s["h2stress_messages_total{\(l)}"] == 5)
        #expect(s["h2stress_open_streams{\(l)}"] == 4)
        // A figure read lower than before (another field published first) never lowers a counter.
        live.withLock { $0.bytesReceived = 900 }
        s = Self.samples(metrics.exposition())
        #expect(s["h2stress_received_bytes_total{\(l)}"] == 1000)
        // The final result: exactly its figures, live source dropped.
        var cell = Self.knownCell()
        cell.streams.reset = 0
        metrics.cellFinished(cell)
        live.withLock { $0.outcomes.complete = 1000 }
        s = Self.samples(metrics.exposition())
        #expect(s["h2stress_streams_total{\(l),outcome=\"complete\"}"] == 7)
        #expect(s["h2stress_streams_total{\(l),outcome=\"reset\"}"] == 0, "a lower final figure is a counter reset to it")
        #expect(s["h2stress_received_bytes_total{\(l)}"] == 123_456)
        #expect(s["h2stress_open_streams{\(l)}"] == 0)
        #expect(s["h2stress_cell_finished{\(l)}"] == 1)
    }

    @Test("label values are escaped in the exposition")
    func escaping() {
        let metrics = RunMetrics(profile: "a\"b\\c\nd")
        var cell = Self.knownCell()
        cell.variant = "x\"y"
        metrics.cellFinished(cell)
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        #expect(text.contains(#"h2stress_streams_started_total{profile="a\"b\\c\nd",variant="x\"y",cell="v/t1/r1",shard="0/1"} 13"#), "\(text)")
        #expect(!text.split(separator: "\n").contains { $0 == "d\",variant=\"x\\\"y\",cell=\"v/t1/r1\",shard=\"0/1\"} 13" }, "no raw line feed")
    }

    @Test("metricNames lists every family the exposition has")
    func names() {
        let metrics = RunMetrics(profile: "p")
        metrics.cellFinished(Self.knownCell())
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let families = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        #expect(families == Set(RunMetrics.metricNames))
        let histograms = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") && $0.hasSuffix(" histogram") }
            .map { String($0.split(separator: " ")[2]) }
        #expect(Set(histograms) == Set(RunMetrics.histogramNames))
    }
}
