import Foundation
import Testing
@testable import H2Profile
@testable import H2Results

/// The issue-3 sections of ``CellResult``: wake availability, encoded histograms, flow control, series,
/// open loop, consumers, and reading files that predate them.
@Suite("CellResult sections")
struct CellResultSectionsTests {
    static func cell(_ m: CellMeasurements, duration: Double = 2, server: ServerFlowControl? = nil) -> CellResult {
        CellResult(index: 0, id: "v/t1/r1", threads: 1, serverThreads: 1, variant: "v", repeat: 1,
                   durationSeconds: duration, measurements: m, cpu: CPUUsage(userSeconds: 0, systemSeconds: 0),
                   peakRSSBytes: 0, serverFlowControl: server)
    }

    static func measurementsWithWakeValues() -> CellMeasurements {
        var m = CellMeasurements()
        for n in UInt64(1)...200 {
            m.wakePoll.record(nanoseconds: 10_000 + n * 50)
            m.wakeDispatch.record(nanoseconds: 20_000 + n * 70)
            m.delivery.record(nanoseconds: 80_000 + n * 90)
        }
        return m
    }

    @Test("the subscript covers every metric")
    func subscriptCoversAll() {
        var m = CellMeasurements()
        for (offset, metric) in LatencyMetric.allCases.enumerated() {
            for _ in 0...offset { m[metric].record(nanoseconds: 1_000) }
        }
        #expect(m.streamDuration.count == 2 && m.consumedDuration.count == 3 && m.delivery.count == 7)
        for (offset, metric) in LatencyMetric.allCases.enumerated() { #expect(m[metric].count == UInt64(offset + 1)) }
    }

    @Test("wake figures are available when a read had a timestamp; then every recorded metric is reported")
    func wakeAvailable() throws {
        var m = Self.measurementsWithWakeValues()
        m.readsWithTimestamp = 300
        let cell = Self.cell(m)
        #expect(cell.wake == WakeAvailability(readsWithTimestamp: 300, readsWithoutTimestamp: 0))
        #expect(cell.wake.available && cell.wake.note == nil)
        #expect(Set(cell.latency.keys) == Set(LatencyMetric.alwaysReported.map(\.rawValue) + ["wakePoll", "wakeDispatch", "delivery"]),
                "every recorded metric and the always-reported ones; consumedDuration recorded nothing")
        #expect(cell[.wakePoll].count == 200)
        #expect(cell[.wakeDispatch].max == 34.0)
        #expect(Set(cell.histograms.keys) == ["wakePoll", "wakeDispatch", "delivery"], "the three empty ones are not encoded")

        m.readsWithoutTimestamp = 3
        let partial = Self.cell(m)
        #expect(partial.wake.available)
        #expect(partial.wake.note == "3 of 303 reads had no receive timestamp; wake figures cover the others")
    }

    @Test("without timestamps wakePoll and wakeDispatch are left out, never zeros; delivery stays")
    func wakeUnavailable() {
        var m = Self.measurementsWithWakeValues()
        m.readsWithoutTimestamp = 41
        let cell = Self.cell(m)
        #expect(!cell.wake.available)
        #expect(cell.wake.readsWithoutTimestamp == 41 && cell.wake.readsWithTimestamp == 0)
        #expect(cell.wake.note == WakeAvailability.noTimestampsNote)
        #expect(cell.wake.note == "the kernel gave no receive timestamps (SO_TIMESTAMPING)")
        #expect(cell.latency["wakePoll"] == nil && cell.latency["wakeDispatch"] == nil)
        #expect(cell.histograms["wakePoll"] == nil && cell.histograms["wakeDispatch"] == nil)
        #expect(cell.latency["delivery"]?.count == 200, "delivery needs server stamps, not kernel timestamps")

        let idle = Self.cell(CellMeasurements())
        #expect(!idle.wake.available && idle.wake.note == WakeAvailability.noReadsNote)
        #expect(idle.latency["delivery"] == nil && idle.latency["wakePoll"] == nil)
    }

    @Test("every encoded histogram decodes to exactly the summary next to it")
    func histogramsMatchSummaries() throws {
        var m = Self.measurementsWithWakeValues()
        m.readsWithTimestamp = 1
        for n in UInt64(1)...999 { m.ttfb.record(nanoseconds: n * 1_337) }
        m.flowControl.recordStreamZeroWindow(nanoseconds: 3_000_000)
        var server = ServerFlowControl()
        server.recordStall(.connection, nanoseconds: 9_000)
        let cell = Self.cell(m, server: server)
        for (key, summary) in cell.latency where summary.count > 0 {
            let text = try #require(cell.histograms[key], "\(key) has an encoded histogram")
            #expect(LatencyHistogram(encoded: text)?.summary() == summary, "\(key)")
        }
        #expect(cell.latency.filter { $0.value.count == 0 }.allSatisfy { cell.histograms[$0.key] == nil })
        #expect(LatencyHistogram(encoded: try #require(cell.histograms["flowControl.streamZeroWindowPerStream"]))?.summary()
                == cell.flowControl.streamZeroWindowPerStream)
        #expect(LatencyHistogram(encoded: try #require(cell.histograms["flowControl.server.connectionStallDuration"]))?.summary()
                == cell.flowControl.server?.connectionStallDuration)
        #expect(cell.histograms["flowControl.server.streamStallDuration"] == nil, "no stream stall was recorded")
    }

    @Test("flow control: driver totals in seconds, per-stream summary, frames; server part only when given")
    func flowControl() throws {
        var a = CellMeasurements()
        a.flowControl.recordStreamZeroWindow(nanoseconds: 250_000_000)
        a.flowControl.recordStreamZeroWindow(nanoseconds: 0)
        a.flowControl.connectionZeroWindowNanos = 1_500_000_000
        a.flowControl.recordWindowUpdate(increment: 65_535)
        var b = CellMeasurements()
        b.flowControl.recordStreamZeroWindow(nanoseconds: 750_000_000)
        b.flowControl.recordWindowUpdate(increment: 1_000)
        b.flowControl.recordWindowUpdate(increment: 24)
        a.merge(b)
        let cell = Self.cell(a)
        #expect(cell.flowControl.streamZeroWindowSeconds == 1.0)
        #expect(cell.flowControl.connectionZeroWindowSeconds == 1.5)
        #expect(cell.flowControl.streamZeroWindowPerStream.count == 2, "streams that never hit zero are not counted")
        #expect(cell.flowControl.streamZeroWindowPerStream.max == 750_000)
        #expect(cell.flowControl.windowUpdateFramesSent == 3)
        #expect(cell.flowControl.windowUpdateBytesSent == 66_559)
        #expect(cell.flowControl.server == nil)

        var s1 = ServerFlowControl()
        s1.recordStall(.stream, nanoseconds: 2_000_000)
        s1.recordStall(.stream, nanoseconds: 4_000_000)
        var s2 = ServerFlowControl()
        s2.recordStall(.connection, nanoseconds: 10_000_000)
        s2.recordStall(.stream, nanoseconds: 6_000_000)
        s1.merge(s2)
        let server = try #require(Self.cell(a, server: s1).flowControl.server)
        #expect(server.streamStalls == 3 && server.connectionStalls == 1)
        #expect(server.streamStallSeconds == 0.012 && server.connectionStallSeconds == 0.01)
        #expect(server.streamStallDuration.max == 6_000 && server.streamStallDuration.min == 2_000)
        #expect(server.connectionStallDuration.count == 1)
    }

    @Test("open loop: absent for closed loop; achieved rate = started streams per second; merge adds rates")
    func openLoop() throws {
        #expect(Self.cell(CellMeasurements()).openLoop == nil)
        var a = CellMeasurements()
        a.openLoop = OpenLoopMeasurements(requestedRate: 600)
        a.openLoop?.recordStart(lagNanoseconds: 1_000_000)
        a.openLoop?.recordStart(lagNanoseconds: 1_000_001)
        a.streamsStarted = 1_190
        var b = CellMeasurements()
        b.openLoop = OpenLoopMeasurements(requestedRate: 400)
        b.openLoop?.recordStart(lagNanoseconds: 7_500_000)
        b.streamsStarted = 800
        var closed = CellMeasurements()
        closed.streamsStarted = 10
        a.merge(closed)
        a.merge(b)
        let result = try #require(Self.cell(a, duration: 2).openLoop)
        #expect(result.requestedRate == 1_000)
        #expect(result.achievedRate == 1_000, "2,000 starts in 2 s")
        #expect(result.intendedStarts == 3)
        #expect(result.lateStarts == 2, "exactly 1 ms is not late")
        #expect(result.maxStartLagMillis == 7.5)

        var onlyOther = CellMeasurements()
        onlyOther.merge(b)
        #expect(onlyOther.openLoop == b.openLoop, "merging into a closed-loop value adopts the open-loop figures")
    }

    @Test("consumers: delay in seconds and slow streams, merged")
    func consumers() {
        var a = CellMeasurements()
        a.consumerDelayNanos = 1_250_000_000
        a.slowStreams = 3
        var b = CellMeasurements()
        b.consumerDelayNanos = 750_000_000
        b.slowStreams = 2
        a.merge(b)
        #expect(Self.cell(a).consumers == ConsumerResult(delayNanoseconds: 2_000_000_000, slowStreams: 5))
        #expect(Self.cell(a).consumers.delaySeconds == 2.0)
    }

    @Test("merge folds wake counters and histograms")
    func mergeWake() {
        var a = Self.measurementsWithWakeValues()
        a.readsWithTimestamp = 4
        var b = Self.measurementsWithWakeValues()
        b.readsWithTimestamp = 5
        b.readsWithoutTimestamp = 1
        a.merge(b)
        #expect(a.readsWithTimestamp == 9 && a.readsWithoutTimestamp == 1)
        #expect(a.wakePoll.count == 400 && a.wakeDispatch.count == 400 && a.delivery.count == 400)
    }

    @Test("the series covers the measured window and notes records beyond the cap")
    func series() {
        var m = CellMeasurements()
        m.series.record(bytes: 10, at: 0)
        m.series.record(bytes: 10, at: SeriesRecorder.maxSeconds + 1)
        let cell = Self.cell(m, duration: 3.2)
        #expect(cell.series.map(\.second) == [0, 1, 2, 3], "3.2 s spans four seconds")
        #expect(Self.cell(m, duration: 3.0).series.count == 3)
        #expect(Self.cell(m, duration: 3.0004).series.count == 3, "a tail under 1 ms adds no empty second")
        #expect(cell.notes.contains { $0.contains("per-second series keeps the first 3600 s; 1 later records") })
    }

    @Test("a cell written before the new sections decodes with neutral defaults")
    func decodesOlderCells() throws {
        var m = Self.measurementsWithWakeValues()
        m.readsWithTimestamp = 1
        m.openLoop = OpenLoopMeasurements(requestedRate: 5)
        let cell = Self.cell(m)
        guard case .object(var members) = try JSONValue(encoding: cell) else {
            Issue.record("a cell encodes as an object")
            return
        }
        for key in ["wake", "histograms", "flowControl", "series", "openLoop", "consumers"] {
            #expect(members.removeValue(forKey: key) != nil, "\(key) is written")
        }
        let old = try JSONDecoder().decode(CellResult.self, from: JSONEncoder().encode(JSONValue.object(members)))
        #expect(old.latency == cell.latency)
        #expect(!old.wake.available && old.wake.note?.hasPrefix("not recorded") == true)
        #expect(old.histograms.isEmpty && old.series.isEmpty && old.openLoop == nil)
        #expect(old.flowControl.server == nil && old.flowControl.windowUpdateFramesSent == 0)
        #expect(old.consumers.slowStreams == 0)

        let roundTrip = try JSONDecoder().decode(CellResult.self, from: JSONEncoder().encode(cell))
        #expect(roundTrip.wake == cell.wake && roundTrip.histograms == cell.histograms)
        #expect(roundTrip.flowControl == cell.flowControl && roundTrip.series == cell.series)
        #expect(roundTrip.openLoop == cell.openLoop && roundTrip.consumers == cell.consumers)
    }
}
