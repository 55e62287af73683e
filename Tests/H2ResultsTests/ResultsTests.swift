import Foundation
import Testing
@testable import H2Profile
@testable import H2Results

/// Relative precision of a 3-significant-digit HdrHistogram (2048 sub-buckets: 1/1024 of the value).
private func withinHDRPrecision(_ actual: Double, _ expected: Double) -> Bool {
    abs(actual - expected) <= expected / 1024 + 0.001
}

@Suite("LatencyHistogram")
struct LatencyHistogramTests {
    @Test("records 1…100000 ns and reports percentiles within HDR precision")
    func groundTruth() {
        var histogram = LatencyHistogram()
        for value in UInt64(1)...100_000 { histogram.record(nanoseconds: value) }
        let summary = histogram.summary()
        #expect(summary.count == 100_000)
        #expect(summary.min == 0.001)
        #expect(summary.max == 100.0)
        // The p-th percentile of 1…N is the value ceil(p/100 · N) ns.
        #expect(withinHDRPrecision(summary.p50, 50.0))
        #expect(withinHDRPrecision(summary.p90, 90.0))
        #expect(withinHDRPrecision(summary.p99, 99.0))
        #expect(withinHDRPrecision(summary.p999, 99.9))
        #expect(withinHDRPrecision(summary.mean, 50.0005))
        #expect(summary.p50 >= 50.0 && summary.p99 >= 99.0, "HDR reports the highest equivalent value, never below")
    }

    @Test("merge of two histograms equals one histogram of the union")
    func mergeIsUnion() {
        var low = LatencyHistogram()
        var high = LatencyHistogram()
        var all = LatencyHistogram()
        for value in UInt64(1)...50_000 { low.record(nanoseconds: value * 7); all.record(nanoseconds: value * 7) }
        for value in UInt64(1)...30_000 { high.record(nanoseconds: 2_000_000 + value * 13); all.record(nanoseconds: 2_000_000 + value * 13) }
        var merged = LatencyHistogram()
        merged.merge(low)
        merged.merge(high)
        #expect(merged.count == 80_000)
        #expect(merged.summary() == all.summary())
        #expect(merged.summary().min == low.summary().min)
        #expect(merged.summary().max == high.summary().max)
    }

    @Test("an empty histogram summarises as count 0 and zeros")
    func empty() {
        let summary = LatencyHistogram().summary()
        #expect(summary == .empty)
        #expect(summary.isEmpty)
        #expect(LatencyHistogram().nanoseconds(atPercentile: 99) == 0)
        var merged = LatencyHistogram()
        merged.merge(LatencyHistogram())
        #expect(merged.summary().isEmpty)
    }

    @Test("values above one hour are clamped, not lost")
    func clampsHugeValues() {
        var histogram = LatencyHistogram()
        histogram.record(nanoseconds: .max)
        histogram.record(nanoseconds: 0)
        #expect(histogram.count == 2)
        #expect(histogram.summary().max == Double(LatencyHistogram.highestTrackableNanoseconds) / 1000)
        #expect(histogram.summary().min == 0)
    }
}

@Suite("OutcomeCounts")
struct OutcomeCountsTests {
    @Test("subscript reads and writes the named counter of every outcome")
    func subscriptMatchesFields() {
        var counts = OutcomeCounts()
        for (offset, outcome) in StreamOutcome.allCases.enumerated() { counts[outcome] = offset + 1 }
        #expect(counts.complete == 1)
        #expect(counts.truncated == 2)
        #expect(counts.reset == 3)
        #expect(counts.goaway == 4)
        #expect(counts.connectionLost == 5)
        #expect(counts.deadline == 6)
        #expect(counts.statusError == 7)
        #expect(counts.integrity == 8)
        for (offset, outcome) in StreamOutcome.allCases.enumerated() { #expect(counts[outcome] == offset + 1) }
        counts.unfinished = 10
        #expect(counts.failed == 2 + 3 + 4 + 5 + 6 + 7 + 8)
        #expect(counts.total == 1 + counts.failed + 10)
    }

    @Test("add sums every counter including unfinished")
    func add() {
        var a = OutcomeCounts()
        a.complete = 5; a.reset = 1; a.unfinished = 2
        var b = OutcomeCounts()
        b.complete = 7; b.integrity = 3; b.unfinished = 1
        a.add(b)
        var expected = OutcomeCounts()
        expected.complete = 12; expected.reset = 1; expected.integrity = 3; expected.unfinished = 3
        #expect(a == expected)
        #expect(a.total == 19)
    }
}

@Suite("CellMeasurements")
struct CellMeasurementsTests {
    private func failure(_ n: Int, _ outcome: StreamOutcome = .reset) -> StreamFailure {
        StreamFailure(outcome: outcome, kind: "grpc.serverStream", connection: n % 4, streamID: Int32(2 * n + 1),
                      messagesReceived: n, messagesPlanned: 100, bytesReceived: n * 10, bytesPlanned: 1000,
                      errorCode: 8, detail: "failure \(n)")
    }

    @Test("the metric subscript records into the matching histogram")
    func subscriptModifiesInPlace() {
        var m = CellMeasurements()
        m[.ttfb].record(nanoseconds: 1_000)
        m[.messageGap].record(nanoseconds: 2_000)
        m[.messageGap].record(nanoseconds: 3_000)
        #expect(m.ttfb.count == 1)
        #expect(m.streamDuration.count == 0)
        #expect(m.messageGap.count == 2)
        #expect(m[.messageGap].summary().max == 3.0)
    }

    @Test("merge adds counters, merges histograms and keeps failure records up to the cap")
    func merge() {
        var a = CellMeasurements()
        a.outcomes.complete = 10
        a.bytesReceived = 1_000
        a.messagesReceived = 10
        a.streamsStarted = 12
        a.connectionsOpened = 2
        a.ttfb.record(nanoseconds: 5_000)
        for n in 0..<(CellMeasurements.failureCap - 3) { a.recordFailure(failure(n)) }
        a.recordConnectionError("connect: refused")

        var b = CellMeasurements()
        b.outcomes.complete = 4
        b.outcomes.reset = 9
        b.bytesReceived = 500
        b.messagesReceived = 5
        b.streamsStarted = 14
        b.connectionsOpened = 1
        b.ttfb.record(nanoseconds: 9_000)
        b.streamDuration.record(nanoseconds: 1_000_000)
        for n in 0..<9 { b.recordFailure(failure(1_000 + n)) }
        b.failuresDropped = 2

        a.merge(b)
        #expect(a.outcomes.complete == 14)
        #expect(a.outcomes.reset == 9)
        #expect(a.bytesReceived == 1_500)
        #expect(a.messagesReceived == 15)
        #expect(a.streamsStarted == 26)
        #expect(a.connectionsOpened == 3)
        #expect(a.ttfb.count == 2)
        #expect(a.ttfb.summary().min == 5.0 && a.ttfb.summary().max == 9.0)
        #expect(a.streamDuration.count == 1)
        #expect(a.failures.count == CellMeasurements.failureCap)
        #expect(a.failures.last == failure(1_002), "the first records of the merged value fill the remaining room")
        #expect(a.failuresDropped == 2 + 6)
        #expect(a.connectionErrors == ["connect: refused"])
    }

    @Test("recording beyond the caps counts instead of keeping")
    func caps() {
        var m = CellMeasurements()
        for n in 0..<(CellMeasurements.failureCap + 5) { m.recordFailure(failure(n)) }
        for n in 0..<(CellMeasurements.connectionErrorCap + 2) { m.recordConnectionError("error \(n)") }
        #expect(m.failures.count == CellMeasurements.failureCap)
        #expect(m.failuresDropped == 5)
        #expect(m.connectionErrors.count == CellMeasurements.connectionErrorCap)
        #expect(m.connectionErrorsDropped == 2)
    }
}

@Suite("CellResult")
struct CellResultTests {
    @Test("computes rates over the duration and one summary per metric")
    func computesThroughputAndSummaries() {
        var m = CellMeasurements()
        m.outcomes.complete = 40
        m.outcomes.truncated = 2
        m.bytesReceived = 8_000_000
        m.messagesReceived = 4_000
        for value in UInt64(1)...1_000 { m.ttfb.record(nanoseconds: value * 1_000) }
        let cell = CellResult(index: 3, id: "v/t2/r1", threads: 2, serverThreads: 1, variant: "v", repeat: 1,
                              durationSeconds: 4, measurements: m,
                              cpu: CPUUsage(userSeconds: 1.5, systemSeconds: 0.5), peakRSSBytes: 42)
        #expect(cell.throughput == Throughput(bytesPerSecond: 2_000_000, messagesPerSecond: 1_000, streamsPerSecond: 10))
        #expect(Set(cell.latency.keys) == Set(LatencyMetric.alwaysReported.map(\.rawValue)),
                "metrics beyond the first three appear only when recorded")
        #expect(Set(cell.histograms.keys) == ["ttfb"], "only histograms that recorded something are encoded")
        #expect(cell[.ttfb].count == 1_000)
        #expect(withinHDRPrecision(cell[.ttfb].p50, 500))
        #expect(cell[.messageGap].isEmpty)
        #expect(cell.streams.truncated == 2)
        #expect(cell.cpu.totalSeconds == 2.0)
    }

    @Test("a zero or non-finite duration gives zero rates, never NaN or infinity")
    func zeroDuration() throws {
        var m = CellMeasurements()
        m.outcomes.complete = 5
        m.bytesReceived = 100
        for duration in [0.0, -1, .nan, .infinity] {
            let cell = CellResult(index: 0, id: "c", threads: 1, serverThreads: 0, variant: "v", repeat: 1,
                                  durationSeconds: duration, measurements: m,
                                  cpu: CPUUsage(userSeconds: .nan, systemSeconds: 0), peakRSSBytes: 0)
            #expect(cell.throughput == Throughput(bytesPerSecond: 0, messagesPerSecond: 0, streamsPerSecond: 0))
            #expect(cell.durationSeconds == 0)
            _ = try JSONEncoder().encode(cell)
        }
    }
}

@Suite("JSONValue and RunResult")
struct RunResultTests {
    private struct Sample: Encodable {
        var name = "smoke"
        var threads = [1, 2, 4]
        var enabled = true
        var ratio = 0.25
        var missing: String? = nil
        var nested = ["window": "1m"]
    }

    @Test("init(encoding:) maps an Encodable to the matching JSON cases")
    func encodingValue() throws {
        let value = try JSONValue(encoding: Sample())
        #expect(value == .object([
            "name": .string("smoke"),
            "threads": .array([.number(1), .number(2), .number(4)]),
            "enabled": .bool(true),
            "ratio": .number(0.25),
            "nested": .object(["window": .string("1m")]),
        ]))
        #expect(value["name"]?.stringValue == "smoke")
    }

    @Test("JSONValue round-trips through JSON, keeping null, bools and numbers apart")
    func roundTrip() throws {
        let value = JSONValue.array([.null, .bool(false), .number(0), .number(1.5), .string("x"), .object([:]), .array([])])
        let decoded = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
        #expect(decoded == value)
    }

    @Test("RunResult encodes with sorted keys and decodes back")
    func runRoundTrip() throws {
        var m = CellMeasurements()
        m.outcomes.complete = 1
        m.recordFailure(StreamFailure(outcome: .goaway, kind: "http.get", connection: 0, streamID: 3,
                                      messagesReceived: 0, messagesPlanned: 1, bytesReceived: 0, bytesPlanned: 10,
                                      errorCode: 0, detail: "GOAWAY last-stream-id 1"))
        let cell = CellResult(index: 0, id: "a/t1/r1", threads: 1, serverThreads: 1, variant: "a", repeat: 1,
                              durationSeconds: 1, measurements: m, cpu: CPUUsage(userSeconds: 0, systemSeconds: 0),
                              peakRSSBytes: 1)
        let run = RunResult(runID: "smoke-20250131-120005", startedAt: "2025-01-31T12:00:05Z",
                            environment: EnvironmentInfo(host: "h", cores: 2, kernel: "Linux 6", nghttp2Version: "1.52.0",
                                                         os: "Debian", swiftVersion: nil),
                            profileFile: "profiles/smoke.yaml", profile: .object(["name": .string("smoke")]),
                            target: "embedded 127.0.0.1:1", cells: [cell])
        let data = try run.encodedJSON()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasSuffix("}\n"))
        let cells = try #require(text.range(of: "\"cells\""))
        let environment = try #require(text.range(of: "\"environment\""))
        let schema = try #require(text.range(of: "\"schema\" : \"h2stress.run/v1\""))
        #expect(cells.lowerBound < environment.lowerBound && environment.lowerBound < schema.lowerBound)
        let decoded = try RunResult.decode(from: data)
        #expect(decoded.cells.first?.failures == cell.failures)
        #expect(decoded.status == .running)
        #expect(decoded.profile == run.profile)
        #expect(decoded.finishedAt == nil)
        #expect(try decoded.encodedJSON() == data)
    }

    @Test("profile name comes from the profile, else from the file name")
    func profileName() {
        let env = EnvironmentInfo(host: "h", cores: 1, kernel: "k", nghttp2Version: "v", os: "o", swiftVersion: nil)
        var run = RunResult(runID: "r", startedAt: "s", environment: env, profileFile: "profiles/window-sweep.yaml",
                            profile: .object(["name": .string("windows")]), target: "t")
        #expect(run.profileName == "windows")
        run.profile = .null
        #expect(run.profileName == "window-sweep")
    }
}

@Suite("Environment and time")
struct EnvironmentTests {
    @Test("UTC timestamps format a known instant")
    func timestamps() {
        let date = Date(timeIntervalSince1970: 1_738_324_805.9)
        #expect(UTCTimestamp.iso8601(date) == "2025-01-31T12:00:05Z")
        #expect(UTCTimestamp.compact(date) == "20250131-120005")
    }

    @Test("current() describes this machine")
    func current() {
        let env = EnvironmentInfo.current(nghttp2Version: "1.52.0")
        #expect(env.cores >= 1 && env.cores <= ProcessInfo.processInfo.processorCount)
        #expect(!env.host.isEmpty && env.host != "unknown")
        #expect(env.nghttp2Version == "1.52.0")
        #if os(Linux)
        #expect(env.kernel.hasPrefix("Linux "))
        #endif
        #expect(env.swiftVersion != nil)
    }
}
