import Testing
@testable import H2Wire

// Test harness: a ClientSession and a ServerSession wired back to back in memory.

/// Records everything a ClientSession reports.
final class ClientRecorder: ClientSessionDelegate {
    var headers: [Int32: [HeaderField]] = [:]
    var trailers: [Int32: [HeaderField]] = [:]
    var headerBlocks: [(stream: Int32, isTrailer: Bool, endStream: Bool)] = []
    var body: [Int32: [UInt8]] = [:]
    var ended: Set<Int32> = []
    var closed: [Int32: HTTP2ErrorCode] = [:]
    var resets: [Int32: HTTP2ErrorCode] = [:]
    var goaways: [(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debug: [UInt8])] = []
    var frames: [FrameEvent] = []
    var dataEndStreamSeen = false

    func responseHeader(stream: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, isTrailer: Bool) {
        let field = HeaderField(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
        if isTrailer { trailers[stream, default: []].append(field) } else { headers[stream, default: []].append(field) }
    }
    func responseHeadersComplete(stream: Int32, isTrailer: Bool, endStream: Bool) {
        headerBlocks.append((stream, isTrailer, endStream))
    }
    func responseData(stream: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool) {
        body[stream, default: []].append(contentsOf: bytes)
        if endStream { dataEndStreamSeen = true }
    }
    func streamEnded(stream: Int32) {
        #expect(closed[stream] == nil, "streamEnded must come before streamClosed")
        ended.insert(stream)
    }
    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode) {
        #expect(closed[stream] == nil, "stream \(stream) closed twice")
        closed[stream] = errorCode
    }
    func resetReceived(stream: Int32, errorCode: HTTP2ErrorCode) { resets[stream] = errorCode }
    func goawayReceived(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debug: UnsafeRawBufferPointer) {
        goaways.append((lastStreamID, errorCode, Array(debug)))
    }
    func frame(_ event: FrameEvent) { frames.append(event) }

    func header(_ stream: Int32, _ name: String) -> String? {
        headers[stream]?.first { $0.name == name }?.value
    }
    func trailer(_ stream: Int32, _ name: String) -> String? {
        trailers[stream]?.first { $0.name == name }?.value
    }
}

/// A server delegate whose behaviour each test scripts with closures.
final class ScriptedServer: ServerSessionDelegate {
    weak var session: ServerSession?
    var requests: [Int32: [HeaderField]] = [:]
    var requestBodies: [Int32: [UInt8]] = [:]
    var ended: Set<Int32> = []
    var closed: [Int32: HTTP2ErrorCode] = [:]
    var frames: [FrameEvent] = []
    var maxOpenStreams = 0
    var open = 0
    /// Called when the request headers arrive.
    var onHeaders: (ServerSession, Int32, [HeaderField]) -> Void = { _, _, _ in }
    /// Called when the request ends (END_STREAM from the client).
    var onRequestEnded: (ServerSession, Int32) -> Void = { _, _ in }

    func requestHeaders(stream: Int32, headers: [HeaderField]) {
        requests[stream] = headers
        open += 1
        maxOpenStreams = max(maxOpenStreams, open)
        onHeaders(session!, stream, headers)
    }
    func requestData(stream: Int32, bytes: UnsafeRawBufferPointer) {
        requestBodies[stream, default: []].append(contentsOf: bytes)
    }
    func requestEnded(stream: Int32) {
        ended.insert(stream)
        onRequestEnded(session!, stream)
    }
    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode) {
        closed[stream] = errorCode
        open -= 1
    }
    func frame(_ event: FrameEvent) { frames.append(event) }

    func path(_ stream: Int32) -> String? { requests[stream]?.first { $0.name == ":path" }?.value }
}

/// A client and a server session exchanging bytes in memory.
final class SessionPair {
    let clientEvents = ClientRecorder()
    let server = ScriptedServer()
    let client: ClientSession
    let serverSession: ServerSession
    var clientOut = OutputBuffer(capacity: 1 << 16)
    var serverOut = OutputBuffer(capacity: 1 << 16)
    /// Bytes handed to `receive` per call (exercises frames split across reads).
    var chunkSize: Int

    init(client clientSettings: HTTP2Settings = HTTP2Settings(), server serverSettings: HTTP2Settings = HTTP2Settings(),
         autoWindowUpdate: Bool = true, chunkSize: Int = 1 << 20) throws {
        client = try ClientSession(settings: clientSettings, delegate: clientEvents, autoWindowUpdate: autoWindowUpdate)
        serverSession = try ServerSession(settings: serverSettings, delegate: server)
        server.session = serverSession
        self.chunkSize = chunkSize
    }

    /// Shuttles bytes both ways until neither side produces output. Returns the rounds used.
    @discardableResult
    func run(maxRounds: Int = 100_000) throws -> Int {
        for round in 0..<maxRounds {
            let fromClient = try client.drainOutput(into: &clientOut)
            try deliver(&clientOut) { bytes throws(HTTP2Error) in try serverSession.receive(bytes) }
            let fromServer = try serverSession.drainOutput(into: &serverOut)
            try deliver(&serverOut) { bytes throws(HTTP2Error) in try client.receive(bytes) }
            if fromClient == 0 && fromServer == 0 && !client.wantsWrite && !serverSession.wantsWrite { return round }
        }
        Issue.record("sessions still talking after \(maxRounds) rounds")
        return maxRounds
    }

    private func deliver(_ buffer: inout OutputBuffer, _ receive: (UnsafeRawBufferPointer) throws(HTTP2Error) -> Void) throws {
        while buffer.readableBytes > 0 {
            let n = min(chunkSize, buffer.readableBytes)
            try buffer.withReadableBytes { bytes in try receive(UnsafeRawBufferPointer(rebasing: bytes.prefix(n))) }
            buffer.consume(n)
        }
    }

    /// A pair without automatic window credit whose server answers every request with 200
    /// and a `pattern` body of `bytes` bytes.
    static func answeringEveryRequest(withBodyOf bytes: Int) throws -> SessionPair {
        let pair = try SessionPair(autoWindowUpdate: false)
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
            server.enqueue(stream: stream, pattern(count: bytes))
            server.finishResponse(stream: stream, trailers: [])
        }
        return pair
    }

    /// Submits a GET.
    func get(_ path: String) throws -> Int32 {
        try client.submitRequest(method: "GET", scheme: "http", authority: "localhost", path: path, extraHeaders: [], body: [])
    }
}

/// Deterministic body bytes: byte `i` of a body is `(i * 7 + seed) % 251`.
func pattern(count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: ($0 * 7 + seed) % 251) }
}

extension ServerSession {
    /// Queues a copy of `bytes` on `stream`.
    func enqueue(stream: Int32, _ bytes: [UInt8]) {
        enqueueData(stream: stream, count: bytes.count) { target in
            bytes.withUnsafeBytes { target.copyMemory(from: $0) }
        }
    }
}

@Suite struct HTTP2SessionPairTests {
    @Test func handshakeExchangesSettingsBothWays() throws {
        let pair = try SessionPair()
        try pair.run()
        let settings = FrameEvent.Kind.settings
        #expect(pair.clientEvents.frames.contains { $0.direction == .sent && $0.type == settings && $0.flags == 0 })
        #expect(pair.clientEvents.frames.contains { $0.direction == .received && $0.type == settings && $0.flags == FrameEvent.Flag.ack })
        #expect(pair.server.frames.contains { $0.direction == .received && $0.type == settings && $0.flags == 0 })
        #expect(pair.server.frames.contains { $0.direction == .sent && $0.type == settings && $0.flags == FrameEvent.Flag.ack })
        #expect(pair.client.wantsRead && pair.serverSession.wantsRead)
    }
}
