import H2Loop
import H2Results
import H2Wire
import H2TestSupport
import Testing
@testable import H2Driver
@testable import H2Profile

/// Servers that break HTTP/2 or never speak it: each gives a documented outcome and a
/// connection error that names the root cause (not the socket error that followed), with no
/// crash and no hang past the cell.
@Suite(.serialized)
struct HostilePeerTests {
    static let oneKiB = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(1))), stamped: false)

    /// One connection of four streams against `peer` for `duration`.
    static func run(_ peer: ScriptedPeer, duration: UInt64 = 800_000_000, connectTimeout: UInt64 = 5_000_000_000) -> CellMeasurements {
        var options = Driver.Options(
            threads: 1, connections: 1, streamsPerConnection: 4, plans: [oneKiB], weights: [1],
            settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: duration, seed: 3)
        options.connectTimeout = connectTimeout
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: peer.port), control: RunControl())
        _ = peer.stop()
        return result.measurements
    }

    /// ``run(_:duration:connectTimeout:)`` that also checks the process's peak RSS grew by less
    /// than 64 MB during the cell (VmHWM restarts at VmRSS first). The high-water mark is the
    /// process's: a test running at the same time (`swift test` without `--no-parallel`) may
    /// reset it lower meanwhile, which reads as no growth, never as a false failure.
    static func runInBoundedMemory(_ peer: ScriptedPeer) -> CellMeasurements {
        _ = ProcessUsage.resetPeakRSS()
        let baseline = ProcessUsage.current().peakRSSBytes
        let m = run(peer)
        let peak = ProcessUsage.current().peakRSSBytes
        let grown = peak > baseline ? peak - baseline : 0
        #expect(grown < 64 << 20, "peak RSS grew by \(grown) bytes")
        return m
    }

    static let http1Answer = Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    @Test("a server that answers HTTP/1.1 and hangs up is named, with what it sent")
    func http1() throws {
        let peer = try ScriptedPeer(greeting: Self.http1Answer, closeAfterGreeting: true)
        let m = Self.run(peer)
        #expect(m.streamsStarted == 0)
        let error = try #require(m.connectionErrors.first)
        #expect(error.contains("the server did not answer with an HTTP/2 SETTINGS frame (got `HTTP/1.1 400 Bad Request··Content-Length: 0"), "\(error)")
        #expect(m.connectionErrors.allSatisfy { !$0.contains("reset by peer") }, "\(m.connectionErrors)")
    }

    @Test("a server that answers HTTP/1.1 and keeps the connection open is named at connectTimeout")
    func http1KeptOpen() throws {
        let peer = try ScriptedPeer(greeting: Self.http1Answer)
        let m = Self.run(peer, duration: 2_000_000_000, connectTimeout: 300_000_000)
        let error = try #require(m.connectionErrors.first)
        #expect(error.contains("the server did not answer with an HTTP/2 SETTINGS frame (got `HTTP/1.1 400 Bad Request"), "\(error)")
    }

    @Test("a server that sends garbage is named, with the bytes shown as text")
    func garbage() throws {
        let peer = try ScriptedPeer(greeting: [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03] + Array(repeating: 0x41, count: 60),
                                    closeAfterGreeting: true)
        let m = Self.run(peer)
        let error = try #require(m.connectionErrors.first)
        #expect(error.contains("the server did not answer with an HTTP/2 SETTINGS frame (got `"), "\(error)")
        #expect(error.contains("AAAA`…)"), "48 bytes at most, then an ellipsis: \(error)")
    }

    @Test("a server that accepts and never sends SETTINGS: connected, no SETTINGS within connectTimeout")
    func noSettings() throws {
        let peer = try ScriptedPeer(greeting: [])
        let m = Self.run(peer, duration: 2_000_000_000, connectTimeout: 300_000_000)
        #expect(m.streamsStarted == 0)
        let error = try #require(m.connectionErrors.first)
        #expect(error.contains("connected, but the server sent no HTTP/2 SETTINGS frame within 300 ms of the connect (client.connectTimeout)"), "\(error)")
    }

    /// The connection-level violations: the client sends GOAWAY with the code the rule
    /// demands, its streams end `connectionLost` with the rule, and so does the connection error.
    /// A frame that breaks a connection-level rule, and the GOAWAY code RFC 9113 asks for.
    enum Violation: String, CaseIterable, CustomTestStringConvertible {
        case windowOverflow = "WINDOW_UPDATE overflowing the connection window"
        case dataOnIdleStream = "DATA on a stream never opened"
        case oversizeFrame = "a frame larger than the client's SETTINGS_MAX_FRAME_SIZE"

        var testDescription: String { rawValue }

        var frame: [UInt8] {
            switch self {
            case .windowOverflow: ScriptedPeer.frame(type: 8, stream: 0, payload: ScriptedPeer.be32(0x7fff_ffff))
            case .dataOnIdleStream: ScriptedPeer.frame(type: 0, stream: 99, payload: [0x78])
            case .oversizeFrame: ScriptedPeer.frame(type: 0, stream: 1, payload: Array(repeating: 0, count: 20_000))
            }
        }

        var code: String {
            switch self {
            case .windowOverflow: "FLOW_CONTROL_ERROR"
            case .dataOnIdleStream: "PROTOCOL_ERROR"
            case .oversizeFrame: "FRAME_SIZE_ERROR"
            }
        }
    }

    @Test("connection-level violations end the streams connectionLost with the rule and the GOAWAY code", arguments: Violation.allCases)
    func connectionViolation(_ violation: Violation) throws {
        let (name, code) = (violation.rawValue, violation.code)
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: violation.frame)
        let m = Self.run(peer)
        #expect(m.outcomes.reset == 0, "\(name): no stream may read as reset by the server: \(m.failures.map(\.detail))")
        #expect(m.outcomes.connectionLost >= 1, "\(name)")
        let detail = try #require(m.failures.first?.detail)
        #expect(detail.hasPrefix("the server broke HTTP/2 ("), "\(name): \(detail)")
        #expect(detail.contains("the client ended the connection with GOAWAY(\(code))"), "\(name): \(detail)")
        let error = try #require(m.connectionErrors.first, "\(name)")
        #expect(error.contains("the server broke HTTP/2 (") && error.contains("GOAWAY(\(code))"), "\(name): \(error)")
    }

    @Test("an invalid header on one stream: the client resets that stream, and says the server broke HTTP/2 on it")
    func streamLevelViolation() throws {
        // HEADERS on stream 1: `:status: 200` (static index 8), then a literal `Foo: x` (upper case: invalid in HTTP/2).
        let block: [UInt8] = [0x88, 0x00, 0x03] + Array("Foo".utf8) + [0x01] + Array("x".utf8)
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings,
                                    afterRequest: ScriptedPeer.frame(type: 1, flags: 0x4, stream: 1, payload: block))
        let m = Self.run(peer)
        let reset = try #require(m.failures.first { $0.outcome == .reset }, "\(m.failures.map(\.detail))")
        #expect(reset.detail.hasPrefix("the client reset the stream with PROTOCOL_ERROR: the server broke HTTP/2 on it ("), "\(reset.detail)")
        #expect(reset.errorCode == .protocolError)
    }

    // MARK: Floods and stalls: no crash, no hang past the cell, bounded memory

    @Test("10,000 PINGs and 10,000 SETTINGS in one burst: nghttp2's flood guard ends the connection, and the reason says so")
    func pingAndSettingsFlood() throws {
        var flood: [UInt8] = []
        for i in 0..<10_000 {
            flood += ScriptedPeer.frame(type: 6, stream: 0, payload: ScriptedPeer.be32(UInt32(i)) + [0, 0, 0, 0])
            flood += ScriptedPeer.emptySettings
        }
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: flood)
        let m = Self.run(peer)
        #expect(m.outcomes.connectionLost >= 4 && m.outcomes.failed == m.outcomes.connectionLost, "\(m.outcomes)")
        let detail = try #require(m.failures.first?.detail)
        #expect(detail.hasPrefix("the server broke HTTP/2 (") && detail.contains("Flooding was detected"), "\(detail)")
        #expect(m.connectionErrors.allSatisfy { $0.contains("Flooding was detected") }, "\(m.connectionErrors)")
    }

    @Test("a GOAWAY with 16 KiB of debug data ends the refused streams `goaway` and keeps no more than a line of it")
    func hugeGoawayDebug() throws {
        let debug = Array(repeating: UInt8(ascii: "d"), count: 16_000)
        let goaway = ScriptedPeer.frame(type: 7, stream: 0, payload: ScriptedPeer.be32(0) + ScriptedPeer.be32(0) + debug)
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: goaway)
        let m = Self.run(peer)
        #expect(m.outcomes.goaway >= 4, "\(m.outcomes)")
        #expect(m.failures.allSatisfy { $0.detail.utf8.count < 500 }, "\(m.failures.map(\.detail.utf8.count))")
    }

    @Test("a header block spread over 10,000 CONTINUATION frames ends the connection with the reason, without growing memory")
    func continuationFlood() throws {
        // HEADERS (`:status: 200`, no END_HEADERS), then 10,000 CONTINUATION frames of one
        // `x-a: b` header each, the last one with END_HEADERS.
        var frames = ScriptedPeer.frame(type: 1, stream: 1, payload: [0x88])
        let header: [UInt8] = [0x00, 0x03] + Array("x-a".utf8) + [0x01] + Array("b".utf8)
        for i in 0..<10_000 {
            frames += ScriptedPeer.frame(type: 9, flags: i == 9_999 ? 0x4 : 0, stream: 1, payload: header)
        }
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: frames)
        let m = Self.runInBoundedMemory(peer)
        #expect(m.outcomes.connectionLost >= 4 && m.outcomes.failed == m.outcomes.connectionLost, "\(m.outcomes)")
        let detail = try #require(m.failures.first?.detail)
        #expect(detail.hasPrefix("the server broke HTTP/2 (") && detail.contains("CONTINUATION"), "\(detail)")
    }

    @Test("a server that grants huge windows and then stops reading: the client's writes back up and the cell still ends on time")
    func serverStopsReading() throws {
        // SETTINGS_INITIAL_WINDOW_SIZE = 2^31-1 and the connection window raised to the same,
        // so nothing but the socket holds the 4 MiB request bodies back.
        let settings = ScriptedPeer.frame(type: 4, stream: 0, payload: [0x00, 0x04] + ScriptedPeer.be32(0x7fff_ffff))
        let window = ScriptedPeer.frame(type: 8, stream: 0, payload: ScriptedPeer.be32(0x7fff_ffff - 65_535))
        let peer = try ScriptedPeer(greeting: settings + window, readsNothing: true)
        var options = Driver.Options(
            threads: 1, connections: 1, streamsPerConnection: 4,
            plans: [PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: .mebibytes(4), responseSize: .kibibytes(1))), stamped: false)],
            weights: [1], settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: 800_000_000, seed: 3)
        options.connectTimeout = 5_000_000_000
        let started = MonotonicClock.now()
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: peer.port), control: RunControl())
        let elapsed = MonotonicClock.now() - started
        _ = peer.stop()
        #expect(result.measurements.outcomes.unfinished == 4, "\(result.measurements.outcomes)")
        #expect(elapsed < 10_000_000_000, "a blocked write must not hold the cell: \(elapsed) ns")
    }
}

/// Frames that end mid-way, bodies that disagree with their headers, empty-DATA floods, header
/// blocks past the decoder's limits.
extension HostilePeerTests {
    /// HEADERS `:status: 200` on stream 1, END_HEADERS, optionally with `content-length`.
    static func responseHeaders(contentLength: Int? = nil, endStream: Bool = false) -> [UInt8] {
        var block: [UInt8] = [0x88]
        if let contentLength {
            let value = Array(String(contentLength).utf8)
            block += [0x0f, 0x0d, UInt8(value.count)] + value   // static index 28 (content-length), literal without indexing
        }
        return ScriptedPeer.frame(type: 1, flags: 0x4 | (endStream ? 0x1 : 0), stream: 1, payload: block)
    }

    static let cutDATA = responseHeaders() + ScriptedPeer.frame(type: 0, stream: 1, payload: Array(repeating: 7, count: 100), length: 1024)

    @Test("a DATA frame cut by FIN or RST: the streams end connectionLost, and the reason says the frame was cut",
          arguments: [ScriptedPeer.Closing.fin, .rst])
    func dataFrameCut(_ closing: ScriptedPeer.Closing) throws {
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: Self.cutDATA, thenClose: closing)
        let m = Self.run(peer)
        #expect(m.outcomes.failed == m.outcomes.connectionLost && m.outcomes.connectionLost >= 4, "\(m.outcomes)")
        let cut = "in the middle of a DATA frame on stream 1 (1024-byte payload)"
        let first = try #require(m.failures.first { $0.streamID == 1 })
        let cause = closing == .fin ? "peer closed the connection (EOF) " : "Connection reset by peer (errno 104) "
        #expect(first.detail.contains(cause + cut) && first.detail.hasSuffix("after 100/1024 bytes"), "\(first.detail)")
        #expect(m.connectionErrors.first?.contains(cause + cut) == true, "\(m.connectionErrors)")
    }

    @Test("END_STREAM before content-length: the stream is truncated, and the detail names both lengths")
    func contentLengthMismatch() throws {
        let body = ScriptedPeer.frame(type: 0, flags: 0x1, stream: 1, payload: Array(repeating: 7, count: 10))
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: Self.responseHeaders(contentLength: 1024) + body)
        let m = Self.run(peer)
        #expect(m.outcomes.truncated == 1 && m.outcomes.failed == 1, "\(m.outcomes)")
        let detail = try #require(m.failures.first?.detail)
        #expect(detail.hasPrefix("END_STREAM after 10 of content-length 1024 bytes"), "\(detail)")
        #expect(m.connectionErrors.isEmpty, "a stream-level fault: the connection goes on")
    }

    @Test("100,000 empty DATA frames on an open stream: legal, so the stream stays open to the end of the cell, in bounded memory")
    func emptyDataFlood() throws {
        var flood = Self.responseHeaders()
        for _ in 0..<100_000 { flood += ScriptedPeer.frame(type: 0, stream: 1) }
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: flood)
        let started = MonotonicClock.now()
        let m = Self.runInBoundedMemory(peer)
        let elapsed = MonotonicClock.now() - started
        #expect(m.outcomes.unfinished == 4 && m.outcomes.failed == 0 && m.connectionErrors.isEmpty, "\(m.outcomes) \(m.connectionErrors)")
        #expect(elapsed < 5_000_000_000, "the cell (0.8 s) ends on time: \(elapsed) ns")
    }

    @Test("a 100,000-byte header value: COMPRESSION_ERROR, named as the server's fault, streams connectionLost")
    func headerFieldPastTheLimit() throws {
        // `:status: 200`, then a literal `x-a` of 100,000 bytes (length 127 + 99,873 as HPACK's
        // 7-bit continuation bytes), split into 16,000-byte HEADERS and CONTINUATION frames.
        let block: [UInt8] = [0x88, 0x00, 0x03] + Array("x-a".utf8) + [0x7f, 0xa1, 0x8c, 0x06]
            + Array(repeating: UInt8(ascii: "v"), count: 100_000)
        var frames: [UInt8] = []
        var offset = 0
        while offset < block.count {
            let end = min(offset + 16_000, block.count)
            frames += ScriptedPeer.frame(type: offset == 0 ? 1 : 9, flags: end == block.count ? 0x4 : 0, stream: 1,
                                         payload: Array(block[offset..<end]))
            offset = end
        }
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: frames)
        let m = Self.run(peer)
        #expect(m.outcomes.connectionLost >= 4 && m.outcomes.failed == m.outcomes.connectionLost, "\(m.outcomes)")
        let detail = try #require(m.failures.first?.detail)
        #expect(detail.hasPrefix("the server broke HTTP/2 (COMPRESSION_ERROR: a header block the client could not decode")
                && detail.contains("the client ended the connection with GOAWAY(COMPRESSION_ERROR)"), "\(detail)")
    }
}
