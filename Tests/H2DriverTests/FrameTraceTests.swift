import Foundation
import Testing
import H2Wire
import H2Results
import H2Driver

/// Records `n` frames with sequence-derived fields: time `100·i` ns, stream `streamOf(i)`.
private func filled(capacity: Int, frames n: Int, streamOf: (Int) -> Int32 = { Int32(2 * $0 + 1) }) -> FrameTrace {
    var trace = FrameTrace(capacity: capacity)
    for i in 0..<n {
        trace.record(time: UInt64(100 * i), direction: i % 2 == 0 ? .received : .sent, type: UInt8(i % 10),
                     streamID: streamOf(i), flags: UInt8(i % 2), length: UInt32(i), errorCode: HTTP2ErrorCode(rawValue: UInt32(i)),
                     connectionWindow: Int32(1000 + i), streamWindow: Int32(i))
    }
    return trace
}

@Suite("FrameTrace")
struct FrameTraceTests {
    @Test("before it is full the ring holds every frame, oldest first")
    func partial() {
        let trace = filled(capacity: 8, frames: 3)
        #expect(trace.count == 3)
        #expect(trace.recorded == 3)
        #expect(trace.capacity == 8)
        #expect(trace.entries.map(\.sequence) == [0, 1, 2])
        #expect(trace.entries.map(\.time) == [0, 100, 200])
        #expect(trace.entries[1] == FrameTraceEntry(
            sequence: 1, time: 100, direction: .sent, type: 1, flags: 1, streamID: 3, length: 1, errorCode: 1,
            connectionWindow: 1001, streamWindow: 1))
    }

    @Test("after wrapping around the ring holds the newest `capacity` frames, oldest first")
    func wraparound() {
        for n in [4, 5, 7, 8, 9, 23] {
            let trace = filled(capacity: 4, frames: n)
            #expect(trace.count == 4)
            #expect(trace.recorded == UInt64(n))
            let expected = (n - 4..<n).map(UInt64.init)
            #expect(trace.entries.map(\.sequence) == expected, "after \(n) frames")
            #expect(trace.entries.map(\.streamID) == (n - 4..<n).map { Int32(2 * $0 + 1) })
        }
    }

    @Test("a capacity of one keeps only the newest frame")
    func capacityOne() {
        let trace = filled(capacity: 1, frames: 5)
        #expect(trace.entries.map(\.sequence) == [4])
    }

    @Test("removeAll empties the ring and restarts sequence numbers")
    func removeAll() {
        var trace = filled(capacity: 4, frames: 6)
        trace.removeAll()
        #expect(trace.count == 0)
        #expect(trace.entries.isEmpty)
        trace.record(time: 7, direction: .sent, type: 8, streamID: 0, flags: 0, length: 4, windowIncrement: 9,
                     connectionWindow: 1, streamWindow: -1)
        #expect(trace.entries.map(\.sequence) == [0])
        #expect(trace.entries.first?.windowIncrement == 9)
    }

    @Test("recording a FrameEvent copies every field, clamps windows and marks the stream window unknown on stream 0")
    func recordEvent() {
        var trace = FrameTrace(capacity: 4)
        trace.record(FrameEvent(direction: .received, type: FrameEvent.Kind.goaway, streamID: 0, flags: 0, length: 8,
                                errorCode: 2, lastStreamID: 13),
                     time: 55, connectionWindow: Int.max, streamWindow: 123)
        trace.record(FrameEvent(direction: .sent, type: FrameEvent.Kind.windowUpdate, streamID: 5, flags: 0, length: 4,
                                windowIncrement: 65_535),
                     time: 56, connectionWindow: 10, streamWindow: 20)
        let e = trace.entries
        #expect(e[0] == FrameTraceEntry(sequence: 0, time: 55, direction: .received, type: 7, flags: 0, streamID: 0,
                                        length: 8, errorCode: 2, lastStreamID: 13, connectionWindow: Int32.max,
                                        streamWindow: -1))
        #expect(e[1] == FrameTraceEntry(sequence: 1, time: 56, direction: .sent, type: 8, flags: 0, streamID: 5,
                                        length: 4, windowIncrement: 65_535, connectionWindow: 10, streamWindow: 20))
    }

    @Test("snapshot takes `before` frames up to the moment and `after` frames past it, of every stream")
    func snapshotWindow() {
        // Times 0, 100, …, 1100; every stream appears once.
        let trace = filled(capacity: 16, frames: 12)
        #expect(trace.snapshot(around: 650, stream: 13, before: 3, after: 2).map(\.sequence) == [4, 5, 6, 7, 8])
        #expect(trace.snapshot(around: 600, stream: 13, before: 3, after: 2).map(\.sequence) == [4, 5, 6, 7, 8],
                "a frame at exactly the moment belongs to `before`")
        #expect(trace.snapshot(around: 599, stream: 11, before: 3, after: 2).map(\.sequence) == [3, 4, 5, 6, 7])
        #expect(trace.snapshot(around: 5_000, stream: 23, before: 3, after: 2).map(\.sequence) == [9, 10, 11])
        #expect(trace.snapshot(around: 5_000, stream: 23).map(\.sequence) == Array(0...11))
        #expect(trace.snapshot(around: 650, stream: 13, before: 0, after: 1).map(\.sequence) == [6, 7],
                "stream 13 is seq 6, outside the window, so it is put first")
    }

    @Test("snapshot before the first frame returns the first `after` frames")
    func snapshotBeforeEverything() {
        var trace = FrameTrace(capacity: 8)
        for i in 0..<5 {
            trace.record(time: 1_000 + UInt64(i), direction: .received, type: 0, streamID: 1, flags: 0, length: 1,
                         connectionWindow: 0, streamWindow: 0)
        }
        #expect(trace.snapshot(around: 10, stream: 1, before: 3, after: 2).map(\.sequence) == [0, 1])
        #expect(FrameTrace(capacity: 4).snapshot(around: 10, stream: 1).isEmpty)
    }

    @Test("snapshot puts the stream's newest earlier frame first when the window holds none of it")
    func snapshotIncludesStream() {
        // Stream 99 at seq 1 and 3, everything else on stream 1.
        let trace = filled(capacity: 16, frames: 12, streamOf: { $0 == 1 || $0 == 3 ? 99 : 1 })
        #expect(trace.snapshot(around: 1_100, stream: 99, before: 3, after: 0).map(\.sequence) == [3, 9, 10, 11])
        #expect(trace.snapshot(around: 1_100, stream: 99, before: 9, after: 0).map(\.sequence) == Array(3...11),
                "already in the window: nothing added")
        #expect(trace.snapshot(around: 1_100, stream: 0, before: 3, after: 0).map(\.sequence) == [9, 10, 11],
                "stream 0 means the connection: nothing added")
        #expect(trace.snapshot(around: 1_100, stream: 7, before: 3, after: 0).map(\.sequence) == [9, 10, 11],
                "a stream with no frames in the ring adds nothing")
    }

    @Test("snapshot works across the wrap point")
    func snapshotWrapped() {
        let trace = filled(capacity: 8, frames: 21) // holds seq 13…20, times 1300…2000
        #expect(trace.snapshot(around: 1_650, stream: 33, before: 4, after: 3).map(\.sequence) == [13, 14, 15, 16, 17, 18, 19])
        #expect(trace.snapshot(around: 1_650, stream: 33, before: 2, after: 1).map(\.sequence) == [15, 16, 17])
        #expect(trace.snapshot(around: 1_650, stream: 27, before: 2, after: 1).map(\.sequence) == [13, 15, 16, 17],
                "stream 27 is seq 13, the oldest frame held")
    }

    @Test("a dump survives a JSON round trip")
    func dumpCodable() throws {
        let trace = filled(capacity: 8, frames: 11)
        let dump = FrameTraceDump(cellID: "v/t1/r1", connection: 2, streamID: 21, outcome: "deadline",
                                  detail: "deadline after 2 of 5 messages", connectionStartNanos: 5,
                                  streamStartNanos: nil, streamEndNanos: 1_000, entries: trace.snapshot(around: 1_000, stream: 21))
        #expect(dump.entries.count == 8)
        let decoded = try JSONDecoder().decode(FrameTraceDump.self, from: JSONEncoder().encode(dump))
        #expect(decoded == dump)
        #expect(FrameTraceDump.capPerCell == 50)
    }

    @Test("benchmark runs and returns a finite, positive ns-per-record figure (not a timing assertion)")
    func benchmarkRuns() {
        let ns = FrameTrace.benchmark(iterations: 10_000)
        #expect(ns.isFinite && ns > 0)
    }
}

@Suite("HTTP2Names")
struct HTTP2NamesTests {
    @Test("every RFC 9113 frame type has its name; others are UNKNOWN with the code")
    func frameTypes() {
        let names = ["DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
                     "WINDOW_UPDATE", "CONTINUATION"]
        for (code, name) in names.enumerated() {
            #expect(HTTP2Names.frameType(UInt8(code)) == name)
        }
        #expect(HTTP2Names.frameType(0xa) == "ALTSVC")
        #expect(HTTP2Names.frameType(0xc) == "ORIGIN")
        #expect(HTTP2Names.frameType(0x10) == "PRIORITY_UPDATE")
        #expect(HTTP2Names.frameType(0xb) == "UNKNOWN(0x0b)")
        #expect(HTTP2Names.frameType(0xff) == "UNKNOWN(0xff)")
    }

    @Test("every RFC 9113 error code has its name, as nghttp prints it")
    func errorCodes() {
        let names = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
                     "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
                     "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
        for (code, name) in names.enumerated() {
            #expect(HTTP2Names.errorCodeName(HTTP2ErrorCode(rawValue: UInt32(code))) == name)
            #expect(HTTP2Names.errorCode(HTTP2ErrorCode(rawValue: UInt32(code))) == "\(name)(0x\(code < 16 ? "0" : "")\(String(code, radix: 16)))")
        }
        #expect(HTTP2Names.errorCode(8) == "CANCEL(0x08)")
        #expect(HTTP2Names.errorCode(0xd) == "HTTP_1_1_REQUIRED(0x0d)")
        #expect(HTTP2Names.errorCodeName(0xe) == nil)
        #expect(HTTP2Names.errorCode(0x2a) == "UNKNOWN(0x2a)")
        #expect(HTTP2Names.errorCode(0xdead_beef) == "UNKNOWN(0xdeadbeef)")
    }

    @Test("flag names depend on the frame type; undefined bits are not named")
    func flags() {
        #expect(HTTP2Names.flags(0x05, type: 0x1) == ["END_STREAM", "END_HEADERS"])
        #expect(HTTP2Names.flags(0x2d, type: 0x1) == ["END_STREAM", "END_HEADERS", "PADDED", "PRIORITY"])
        #expect(HTTP2Names.flags(0x09, type: 0x0) == ["END_STREAM", "PADDED"])
        #expect(HTTP2Names.flags(0x04, type: 0x0) == [])
        #expect(HTTP2Names.flags(0x01, type: 0x4) == ["ACK"])
        #expect(HTTP2Names.flags(0x01, type: 0x6) == ["ACK"])
        #expect(HTTP2Names.flags(0x0c, type: 0x5) == ["END_HEADERS", "PADDED"])
        #expect(HTTP2Names.flags(0x04, type: 0x9) == ["END_HEADERS"])
        #expect(HTTP2Names.flags(0xff, type: 0x3) == [])
    }
}
