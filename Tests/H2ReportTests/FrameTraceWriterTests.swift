import Foundation
import Testing
import H2Report
import H2Wire
import H2Results

/// A reset stream 13 on connection 3, opened at monotonic 1 s; frames #41–#44 are missing.
private enum SampleDump {
    static let start: UInt64 = 1_000_000_000

    static func entry(_ seq: UInt64, _ micros: UInt64, _ direction: FrameTraceEntry.Direction, _ type: UInt8,
                      stream: Int32, flags: UInt8 = 0, length: UInt32, errorCode: HTTP2ErrorCode = 0, lastStreamID: Int32 = 0,
                      increment: Int32 = 0, conn: Int32, window: Int32) -> FrameTraceEntry {
        FrameTraceEntry(sequence: seq, time: start + micros * 1_000, direction: direction, type: type, flags: flags,
                        streamID: stream, length: length, errorCode: errorCode, lastStreamID: lastStreamID,
                        windowIncrement: increment, connectionWindow: conn, streamWindow: window)
    }

    static func make() -> FrameTraceDump {
        FrameTraceDump(
            cellID: "window-1m/t2/r1", connection: 3, streamID: 13, outcome: "reset",
            detail: "RST_STREAM(CANCEL) from the peer after 1 of 4 messages",
            connectionStartNanos: start, streamStartNanos: start + 99_000_000, streamEndNanos: start + 200_000_000,
            entries: [
                entry(40, 100_000, .sent, 0x1, stream: 13, flags: 0x05, length: 30, conn: 65_535, window: 65_535),
                entry(41, 101_000, .received, 0x1, stream: 13, flags: 0x04, length: 2, conn: 65_535, window: 65_535),
                entry(42, 123_456, .received, 0x0, stream: 13, length: 16_384, conn: 49_151, window: 0),
                entry(45, 123_500, .sent, 0x8, stream: 0, length: 4, increment: 65_535, conn: 65_535, window: -1),
                entry(46, 150_000, .received, 0x6, stream: 0, flags: 0x01, length: 8, conn: 65_535, window: -1),
                entry(47, 200_000, .received, 0x3, stream: 13, length: 4, errorCode: 8, conn: 65_535, window: -1),
                entry(48, 1_250_000, .received, 0x7, stream: 0, length: 8, lastStreamID: 13, conn: 65_535, window: -1),
            ])
    }
}

@Suite("FrameTraceWriter")
struct FrameTraceWriterTests {
    private func temporaryRoot() throws -> String {
        let path = NSTemporaryDirectory() + "h2report-frames-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("the text form of one dump matches the golden text")
    func golden() {
        let golden = """
        # h2stress frame trace (times: seconds since the connection opened)
        cell:       window-1m/t2/r1
        connection: 3
        stream:     13
        outcome:    reset
        detail:     RST_STREAM(CANCEL) from the peer after 1 of 4 messages
        opened:     [  0.099000]
        ended:      [  0.200000]
        frames:     7 shown, #40 to #48 of the connection

                     ... 40 earlier frames not shown ...
        [  0.100000] send HEADERS frame <length=30, flags=0x05, stream_id=13> ; END_STREAM | END_HEADERS  (conn window 65535, stream window 65535)
        [  0.101000] recv HEADERS frame <length=2, flags=0x04, stream_id=13> ; END_HEADERS  (conn window 65535, stream window 65535)
        [  0.123456] recv DATA frame <length=16384, flags=0x00, stream_id=13>  (conn window 49151, stream window 0)
                     ... 2 frames not shown ...
        [  0.123500] send WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0> (window_size_increment=65535)  (conn window 65535)
        [  0.150000] recv PING frame <length=8, flags=0x01, stream_id=0> ; ACK  (conn window 65535)
        [  0.200000] recv RST_STREAM frame <length=4, flags=0x00, stream_id=13> (error_code=CANCEL(0x08))  (conn window 65535)
        [  0.200000] ---- stream 13 ended: reset ----
        [  1.250000] recv GOAWAY frame <length=8, flags=0x00, stream_id=0> (last_stream_id=13, error_code=NO_ERROR(0x00))  (conn window 65535)

        """
        let rendered = FrameTraceWriter.renderText(SampleDump.make(), cellID: "window-1m/t2/r1")
        #expect(rendered == golden)
        if rendered != golden { print(rendered) }
    }

    @Test("the end marker goes last when every frame precedes the end, and an empty trace says so")
    func markerPlacement() {
        var dump = SampleDump.make()
        dump.streamEndNanos = SampleDump.start + 5_000_000_000
        let lines = FrameTraceWriter.renderText(dump, cellID: "c").split(separator: "\n")
        #expect(lines.last == "[  5.000000] ---- stream 13 ended: reset ----")
        dump.entries = []
        dump.streamStartNanos = nil
        let empty = FrameTraceWriter.renderText(dump, cellID: "c")
        #expect(empty.contains("frames:     none recorded\n"))
        #expect(!empty.contains("opened:"))
        #expect(empty.hasSuffix("\n\n[  5.000000] ---- stream 13 ended: reset ----\n"))
    }

    @Test("a deadline's RST_STREAM(CANCEL), written after the outcome, is shown before the end marker")
    func deadlineResetBeforeMarker() {
        var dump = SampleDump.make()
        dump.outcome = "deadline"
        dump.streamEndNanos = SampleDump.start + 300_000_000
        dump.entries.removeLast(2)
        dump.appendFramesSentForOutcome([SampleDump.entry(60, 300_040, .sent, 0x3, stream: 13, length: 4, errorCode: 8,
                                                          conn: 65_535, window: -1)])
        let text = FrameTraceWriter.renderText(dump, cellID: "c")
        #expect(text.contains("ended:      [  0.300040]\n"))
        #expect(text.hasSuffix("""
            [  0.150000] recv PING frame <length=8, flags=0x01, stream_id=0> ; ACK  (conn window 65535)
                         ... 13 frames not shown ...
            [  0.300040] send RST_STREAM frame <length=4, flags=0x00, stream_id=13> (error_code=CANCEL(0x08))  (conn window 65535)
            [  0.300040] ---- stream 13 ended: deadline ----

            """), "\(text)")
    }

    @Test("every frame type and error code is named in the text line")
    func lineNames() {
        let types: [UInt8: String] = [0: "DATA", 1: "HEADERS", 2: "PRIORITY", 3: "RST_STREAM", 4: "SETTINGS",
                                      5: "PUSH_PROMISE", 6: "PING", 7: "GOAWAY", 8: "WINDOW_UPDATE", 9: "CONTINUATION",
                                      0x42: "UNKNOWN(0x42)"]
        for (type, name) in types {
            let line = FrameTraceWriter.line(SampleDump.entry(0, 0, .received, type, stream: 1, length: 0, conn: 0, window: 0),
                                             since: SampleDump.start)
            #expect(line.hasPrefix("[  0.000000] recv \(name) frame <length=0, flags=0x00, stream_id=1>"), "\(line)")
        }
        let codes = ["NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
                     "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
                     "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"]
        for (code, name) in codes.enumerated() {
            let hex = String(format: "0x%02x", code)
            let rst = FrameTraceWriter.line(SampleDump.entry(0, 0, .sent, 3, stream: 5, length: 4, errorCode: HTTP2ErrorCode(rawValue: UInt32(code)),
                                                             conn: 1, window: 2), since: SampleDump.start)
            #expect(rst == "[  0.000000] send RST_STREAM frame <length=4, flags=0x00, stream_id=5> (error_code=\(name)(\(hex)))  (conn window 1, stream window 2)")
            let goaway = FrameTraceWriter.line(SampleDump.entry(0, 0, .received, 7, stream: 0, length: 8, errorCode: HTTP2ErrorCode(rawValue: UInt32(code)),
                                                                lastStreamID: 7, conn: 1, window: -1), since: SampleDump.start)
            #expect(goaway.contains("(last_stream_id=7, error_code=\(name)(\(hex)))"))
        }
    }

    @Test("relative times are seconds with µs, right-aligned; earlier times are negative")
    func relativeTimes() {
        #expect(FrameTraceWriter.relativeTime(1_123_456_789, since: 1_000_000_000) == "[  0.123456]")
        #expect(FrameTraceWriter.relativeTime(13_000_001_000, since: 1_000_000_000) == "[ 12.000001]")
        #expect(FrameTraceWriter.relativeTime(1_235_500_000_000, since: 1_000_000_000) == "[1234.500000]")
        #expect(FrameTraceWriter.relativeTime(999_900_000, since: 1_000_000_000) == "[ -0.000100]")
    }

    @Test("file stems replace `/` and other unsafe characters in the cell id")
    func fileStems() {
        #expect(FrameTraceWriter.fileStem(cellID: "window-1m/t2/r1", connection: 0, stream: 13) == "window-1m_t2_r1-c0-s13")
        #expect(FrameTraceWriter.fileStem(cellID: "slow consumer/t1/r2", connection: 11, stream: 2_147_483_647)
                == "slow_consumer_t1_r2-c11-s2147483647")
        #expect(FrameTraceWriter.fileStem(cellID: "../x", connection: 0, stream: 1) == ".._x-c0-s1")
        #expect(FrameTraceWriter.fileStem(cellID: "", connection: 0, stream: 1) == "cell-c0-s1")
    }

    @Test("each JSON line parses and decodes back to its entry, with relative time and type name")
    func jsonLines() throws {
        let dump = SampleDump.make()
        let data = try FrameTraceWriter.renderJSONLines(dump)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.hasSuffix("\n"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == dump.entries.count)
        for (line, entry) in zip(lines, dump.entries) {
            let lineData = Data(line.utf8)
            #expect(try JSONDecoder().decode(FrameTraceEntry.self, from: lineData) == entry)
            let object = try #require(try JSONSerialization.jsonObject(with: lineData) as? [String: Any])
            #expect(object["relativeNanos"] as? Int == Int(entry.time - dump.connectionStartNanos))
            #expect(object["typeName"] as? String == HTTP2Names.frameType(entry.type))
            #expect(object["direction"] as? String == entry.direction.rawValue)
        }
    }

    @Test("write creates frames/ with a .txt and .jsonl per dump, unique names, and an index with left-out counts")
    func writesFilesAndIndex() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = try RunDirectory(resultsRoot: root, profileName: "smoke", startedAt: Date(timeIntervalSince1970: 0))
        var writer = FrameTraceWriter(directory: directory)

        try writer.write(cellID: "quiet/t1/r1", dumps: [], leftOut: 0)
        #expect(!FileManager.default.fileExists(atPath: writer.framesPath), "nothing to write: no frames/ folder")

        let first = SampleDump.make()
        var again = SampleDump.make() // same connection and stream id after a reconnect
        again.outcome = "goaway"
        var other = SampleDump.make()
        other.connection = 0
        other.streamID = 1
        try writer.write(cellID: "window-1m/t2/r1", dumps: [first, again], leftOut: 3)
        try writer.write(cellID: "small/t1/r1", dumps: [other], leftOut: 0)
        try writer.write(cellID: "only-dropped/t1/r1", dumps: [], leftOut: 7)

        let files = try FileManager.default.contentsOfDirectory(atPath: writer.framesPath).sorted()
        #expect(files == [
            "index.json",
            "small_t1_r1-c0-s1.jsonl", "small_t1_r1-c0-s1.txt",
            "window-1m_t2_r1-c3-s13-2.jsonl", "window-1m_t2_r1-c3-s13-2.txt",
            "window-1m_t2_r1-c3-s13.jsonl", "window-1m_t2_r1-c3-s13.txt",
        ])
        let text = try String(contentsOfFile: writer.framesPath + "/window-1m_t2_r1-c3-s13-2.txt", encoding: .utf8)
        #expect(text == FrameTraceWriter.renderText(again, cellID: "window-1m/t2/r1"))
        let jsonl = try Data(contentsOf: URL(fileURLWithPath: writer.framesPath + "/small_t1_r1-c0-s1.jsonl"))
        #expect(jsonl == (try FrameTraceWriter.renderJSONLines(other)))

        let index = try JSONDecoder().decode(FrameTraceWriter.Index.self,
                                             from: Data(contentsOf: URL(fileURLWithPath: writer.framesPath + "/index.json")))
        #expect(index == writer.index)
        #expect(index.cells.map(\.cellID) == ["window-1m/t2/r1", "small/t1/r1", "only-dropped/t1/r1"])
        #expect(index.cells.map(\.leftOut) == [3, 0, 7])
        #expect(index.cells[0].files == [
            FrameTraceWriter.File(text: "window-1m_t2_r1-c3-s13.txt", jsonl: "window-1m_t2_r1-c3-s13.jsonl", connection: 3,
                                  streamID: 13, outcome: "reset", detail: first.detail, frames: 7),
            FrameTraceWriter.File(text: "window-1m_t2_r1-c3-s13-2.txt", jsonl: "window-1m_t2_r1-c3-s13-2.jsonl", connection: 3,
                                  streamID: 13, outcome: "goaway", detail: first.detail, frames: 7),
        ])
        #expect(index.cells[2].files.isEmpty)

        // A second write for a cell adds to its entry.
        try writer.write(cellID: "small/t1/r1", dumps: [other], leftOut: 2)
        #expect(writer.index.cells[1].files.map(\.text) == ["small_t1_r1-c0-s1.txt", "small_t1_r1-c0-s1-2.txt"])
        #expect(writer.index.cells[1].leftOut == 2)
    }
}
