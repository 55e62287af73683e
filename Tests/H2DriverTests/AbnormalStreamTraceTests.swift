import H2Target
import H2Wire
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// The `frames/` dump of an abnormal stream against the embedded server, with 200 busy streams
/// on one connection (issue 9 §5): the connection ring alone is overwritten long before such a
/// stream ends, so its dump must come from the stream's own tail; and a deadline's
/// RST_STREAM(CANCEL), written after the outcome is decided, must be in the dump before its end.
@Suite(.serialized)
struct AbnormalStreamTraceTests {
    typealias Rig = GroundTruthRig

    /// 600 server streams (10 messages 20 ms apart), 200 at once on one connection, a 1 s
    /// deadline; 4 % ask to be delayed 3 s (→ deadline), 4 % for RST_STREAM(INTERNAL_ERROR) after 3 messages.
    static func run() throws -> CellMeasurements {
        let plan = PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: 10, size: ByteCount(bytes: 64),
                                                                            interval: .milliseconds(20))), stamped: true)
        var options = Rig.options(plan, streams: 200, total: 600)
        options.deadline = Rig.seconds
        options.faults = [FaultSpec(share: 0.04, fault: Fault(kind: .delay, milliseconds: 3_000)),
                          FaultSpec(share: 0.04, fault: Fault(kind: .rst, after: 3, code: 2))]
        return Rig.run(options, server: try Rig.startServer()).driver.measurements
    }

    @Test("each abnormal stream's dump holds its own frames and, for a deadline, the RST_STREAM(CANCEL) before its end")
    func ownFramesAndTheDeadlineReset() throws {
        let m = try Self.run()
        #expect(m.outcomes.deadline >= 5 && m.outcomes.reset >= 5, "\(m.outcomes)")
        #expect(m.outcomes.failed == m.outcomes.deadline + m.outcomes.reset, "only the faulted streams fail: \(m.outcomes)")
        #expect(m.frameTraces.count == min(FrameTraceDump.capPerCell, m.outcomes.failed))
        var overrun = 0
        for dump in m.frameTraces {
            let own = dump.entries.filter { $0.streamID == dump.streamID }
            #expect(dump.entries.map(\.sequence) == dump.entries.map(\.sequence).sorted() && Set(dump.entries.map(\.sequence)).count == dump.entries.count,
                    "stream \(dump.streamID): frames oldest first, each once")
            guard let request = own.first(where: { $0.direction == .sent && $0.type == FrameEvent.Kind.headers }) else {
                Issue.record("stream \(dump.streamID) (\(dump.outcome)): its request HEADERS is not in its dump: \(own)")
                continue
            }
            switch dump.outcome {
            case StreamOutcome.deadline.rawValue:
                let rst = own.last
                #expect(rst?.direction == .sent && rst?.type == FrameEvent.Kind.rstStream && rst?.errorCode == 8,
                        "stream \(dump.streamID): its last frame is the RST_STREAM(CANCEL) the driver sent: \(own)")
                #expect((rst?.time ?? .max) <= dump.streamEndNanos, "the RST comes before the end marker")
                if let rst, rst.sequence - request.sequence > UInt64(FrameTrace.defaultCapacity) { overrun += 1 }
            case StreamOutcome.reset.rawValue:
                #expect(own.contains { $0.direction == .received && $0.type == FrameEvent.Kind.rstStream && $0.errorCode == 2 },
                        "stream \(dump.streamID): the peer's RST_STREAM(INTERNAL_ERROR): \(own)")
                #expect(own.filter { $0.direction == .received && $0.type == FrameEvent.Kind.data }.count >= 3,
                        "the 3 messages before the reset")
            default:
                Issue.record("unexpected outcome \(dump.outcome): \(dump.detail)")
            }
        }
        // The case the connection ring alone got wrong: more than its 256 frames between the
        // request and the RST, so the ring no longer held the stream's request.
        #expect(overrun > 0, "no deadline stream outlived the connection ring; the test does not exercise the tail")
    }

    @Test("the stream's tail keeps its last 16 frames, oldest first")
    func tailWrapsAround() {
        var tail = StreamFrameTail()
        #expect(tail.entries.isEmpty)
        for i in 0..<5 { tail.record(Self.entry(UInt64(i))) }
        #expect(tail.entries.map(\.sequence) == [0, 1, 2, 3, 4])
        for i in 5..<40 { tail.record(Self.entry(UInt64(i))) }
        #expect(tail.count == StreamFrameTail.capacity && StreamFrameTail.capacity == 16)
        #expect(tail.entries.map(\.sequence) == Array(24..<40))
    }

    @Test("a snapshot merges the connection's window with the stream's tail by sequence, each frame once")
    func snapshotMergesTail() {
        var trace = FrameTrace(capacity: 8)
        var tail = StreamFrameTail()
        for i in 0..<30 {
            // Stream 7 at 2, 9, 20 and 27; the ring keeps 22…29.
            let entry = trace.record(time: UInt64(100 * i), direction: .received, type: 0, streamID: [2, 9, 20, 27].contains(i) ? 7 : 1,
                                     flags: 0, length: 1, connectionWindow: 0, streamWindow: 0)
            if entry.streamID == 7 { tail.record(entry) }
        }
        #expect(trace.snapshot(around: 2_900, stream: 7, tail: tail).map(\.sequence) == [2, 9, 20] + Array(22...29))
        #expect(trace.snapshot(around: 2_900, stream: 7, tail: StreamFrameTail()).map(\.sequence) == Array(22...29))
        #expect(trace.entries(since: 25, stream: 7).map(\.sequence) == [27])
        #expect(trace.entries(since: 28, stream: 7).isEmpty)
    }

    @Test("frames sent for the outcome are added once, after the snapshot, and move the end to the last of them")
    func appendFramesSentForOutcome() {
        var dump = FrameTraceDump(cellID: "c", connection: 0, streamID: 7, outcome: "deadline", detail: "", connectionStartNanos: 0,
                                  streamEndNanos: 500, entries: [Self.entry(3, time: 400), Self.entry(4, time: 450)])
        dump.appendFramesSentForOutcome([Self.entry(4, time: 450), Self.entry(9, time: 620)])
        #expect(dump.entries.map(\.sequence) == [3, 4, 9])
        #expect(dump.streamEndNanos == 620)
        dump.appendFramesSentForOutcome([])
        #expect(dump.streamEndNanos == 620)
    }

    static func entry(_ sequence: UInt64, time: UInt64 = 0) -> FrameTraceEntry {
        FrameTraceEntry(sequence: sequence, time: time, direction: .sent, type: 3, flags: 0, streamID: 7, length: 4,
                        errorCode: 8, connectionWindow: 0, streamWindow: -1)
    }
}
