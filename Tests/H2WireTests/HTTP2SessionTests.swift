import Testing
@testable import H2Wire

@Suite struct HTTP2SessionTests {
    private static let oneMiB = 1 << 20

    @Test("a header-length mask delivers only fields of those name lengths, every other event unchanged")
    func headerLengthMaskDeliversOnlyThoseLengths() throws {
        let pair = try SessionPair()
        pair.client.responseHeaderLengths = ClientSession.headerLengthMask(for: [":status", "content-length"])
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [
                HeaderField(name: "server", value: "x"), HeaderField(name: "content-length", value: "3"),
                HeaderField(name: "expires", value: "0"), HeaderField(name: "content-type", value: "text/plain")])
            server.enqueue(stream: stream, [1, 2, 3])
            server.finishResponse(stream: stream, trailers: [])
        }
        let stream = try pair.get("/bytes/3")
        try pair.run()
        let events = pair.clientEvents
        // 7 and 14 bytes pass (`expires` too: the mask is by length; the delegate checks names).
        #expect(events.headers[stream]?.map(\.name) == [":status", "content-length", "expires"])
        #expect(events.header(stream, ":status") == "200" && events.header(stream, "content-length") == "3")
        #expect(events.body[stream] == [1, 2, 3])
        #expect(events.headerBlocks.count == 1 && events.ended.contains(stream) && events.closed[stream] == 0)
        #expect(ClientSession.headerLengthMask(for: []) == 0)
    }

    @Test(arguments: [16_384, (1 << 20) - 1])
    func getWithOneMiBBodyArrivesExactly(maxFrameSize: Int) throws {
        var clientSettings = HTTP2Settings()
        clientSettings.maxFrameSize = maxFrameSize
        clientSettings.initialWindowSize = 16 << 20
        clientSettings.connectionWindowSize = 16 << 20
        let pair = try SessionPair(client: clientSettings, chunkSize: 70_000)
        let body = pattern(count: Self.oneMiB, seed: 3)
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200,
                                            headers: [HeaderField(name: "content-length", value: "\(body.count)")])
            server.enqueue(stream: stream, body)
            server.finishResponse(stream: stream, trailers: [])
        }
        let stream = try pair.get("/bytes/1048576")
        try pair.run()

        let events = pair.clientEvents
        #expect(pair.server.path(stream) == "/bytes/1048576")
        #expect(pair.server.requests[stream]?.first { $0.name == ":method" }?.value == "GET")
        #expect(events.header(stream, ":status") == "200")
        #expect(events.body[stream]?.count == body.count)
        #expect(events.body[stream] == body)
        #expect(events.ended.contains(stream))
        #expect(events.closed[stream] == 0)
        #expect(events.trailers[stream] == nil)
        let dataFrames = events.frames.filter { $0.direction == .received && $0.type == FrameEvent.Kind.data && $0.streamID == stream }
        #expect(dataFrames.reduce(0) { $0 + $1.length } == body.count)
        #expect(dataFrames.map(\.length).max() == maxFrameSize)
        #expect(dataFrames.last?.flags == FrameEvent.Flag.endStream)
        #expect(pair.client.streamCount == 0)
        #expect(pair.serverSession.streamCount == 0)
    }

    @Test("concurrent uploads interleaved under flow control each arrive whole, and a closed stream's body slot serves the next upload")
    func concurrentUploadsArriveWholeAndBodySlotsAreReused() throws {
        let pair = try SessionPair(chunkSize: 3_000)
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
            server.finishResponse(stream: stream, trailers: [])
        }
        func post(_ body: [UInt8]) throws -> Int32 {
            try pair.client.submitRequest(method: "POST", scheme: "http", authority: "localhost", path: "/upload",
                                          extraHeaders: [], body: body)
        }
        // Three bodies above the 64 KiB stream window, plus a GET between them (no body slot).
        let bodies = [pattern(count: 90_000, seed: 1), pattern(count: 70_001, seed: 2), pattern(count: 5, seed: 3)]
        var streams = [try post(bodies[0]), try pair.get("/bytes/0"), try post(bodies[1]), try post(bodies[2])]
        try pair.run()
        // All closed: the next uploads reuse the freed slots.
        let later = [pattern(count: 66_000, seed: 4), pattern(count: 1, seed: 5)]
        streams += [try post(later[0]), try post(later[1])]
        try pair.run()
        let sent: [[UInt8]?] = [bodies[0], nil, bodies[1], bodies[2], later[0], later[1]]
        for (stream, body) in zip(streams, sent) {
            #expect(pair.server.requestBodies[stream] == body, "stream \(stream)")
            #expect(pair.server.ended.contains(stream) && pair.clientEvents.closed[stream] == 0, "stream \(stream)")
        }
        #expect(pair.client.streamCount == 0)
    }

    @Test func grpcLikeExchangeDeliversTrailersAsTrailers() throws {
        let pair = try SessionPair(chunkSize: 1_000)
        let requestBody = pattern(count: 100_000, seed: 1)  // above the 64 KiB windows: flow control on upload
        let responseMessage = [0, 0, 0, 0, 3] + pattern(count: 3, seed: 9)
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200,
                                            headers: [HeaderField(name: "content-type", value: "application/grpc")])
            server.enqueue(stream: stream, responseMessage)
            server.finishResponse(stream: stream, trailers: [HeaderField(name: "grpc-status", value: "0"),
                                                             HeaderField(name: "grpc-message", value: "fine")])
        }
        let stream = try pair.client.submitRequest(
            method: "POST", scheme: "http", authority: "127.0.0.1:50051",
            path: "/grpc.testing.TestService/UnaryCall",
            extraHeaders: [HeaderField(name: "content-type", value: "application/grpc"), HeaderField(name: "te", value: "trailers")],
            body: requestBody)
        #expect(pair.client.streamCount == 1)
        try pair.run()

        let request = try #require(pair.server.requests[stream])
        #expect(request.map(\.name) == [":method", ":scheme", ":authority", ":path", "content-type", "te"])
        #expect(request.map(\.value) == ["POST", "http", "127.0.0.1:50051", "/grpc.testing.TestService/UnaryCall", "application/grpc", "trailers"])
        #expect(pair.server.requestBodies[stream] == requestBody)
        #expect(pair.server.ended.contains(stream))

        let events = pair.clientEvents
        #expect(events.header(stream, "content-type") == "application/grpc")
        #expect(events.header(stream, "grpc-status") == nil)
        #expect(events.trailer(stream, "grpc-status") == "0")
        #expect(events.trailer(stream, "grpc-message") == "fine")
        #expect(events.body[stream] == responseMessage)
        #expect(events.headerBlocks.map(\.isTrailer) == [false, true])
        #expect(events.headerBlocks.map(\.endStream) == [false, true])
        #expect(events.ended.contains(stream))
        #expect(events.closed[stream] == 0)
        // The last DATA frame must not carry END_STREAM: the trailers do.
        let received = events.frames.filter { $0.direction == .received && $0.streamID == stream }
        #expect(received.last?.type == FrameEvent.Kind.headers)
        #expect(received.filter { $0.type == FrameEvent.Kind.data }.allSatisfy { $0.flags & FrameEvent.Flag.endStream == 0 })
    }

    @Test func serverResetIsDeliveredWithItsCode() throws {
        let pair = try SessionPair()
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
            server.enqueue(stream: stream, pattern(count: 500))
            server.resetStream(stream, errorCode: 11)  // ENHANCE_YOUR_CALM
        }
        let stream = try pair.get("/reset")
        try pair.run()
        let events = pair.clientEvents
        #expect(events.resets[stream] == 11)
        #expect(events.closed[stream] == 11)
        #expect(!events.ended.contains(stream))
        #expect(events.frames.contains { $0.direction == .received && $0.type == FrameEvent.Kind.rstStream && $0.errorCode == 11 })
        #expect(pair.server.closed[stream] == 11)
    }

    @Test func clientResetReachesServer() throws {
        let pair = try SessionPair()
        let stream = try pair.get("/slow")
        try pair.run()
        #expect(pair.server.requests[stream] != nil)
        pair.client.resetStream(stream, errorCode: 8)  // CANCEL
        try pair.run()
        #expect(pair.server.closed[stream] == 8)
        #expect(pair.clientEvents.closed[stream] == 8)
        #expect(pair.client.streamCount == 0)
    }

    @Test func goawayIsDeliveredAndRefusesLaterStreams() throws {
        let pair = try SessionPair()
        var seen: [Int32] = []
        pair.server.onRequestEnded = { server, stream in
            seen.append(stream)
            guard seen.count == 2 else { return }
            server.sendGoaway(lastStreamID: seen[0], errorCode: 0)
            try! server.sendResponseHeaders(stream: seen[0], status: 200, headers: [])
            server.enqueue(stream: seen[0], pattern(count: 10))
            server.finishResponse(stream: seen[0], trailers: [])
        }
        let first = try pair.get("/one")
        let second = try pair.get("/two")
        try pair.run()
        let events = pair.clientEvents
        #expect(events.goaways.count == 1)
        #expect(events.goaways.first?.lastStreamID == first)
        #expect(events.goaways.first?.errorCode == 0)
        #expect(events.closed[first] == 0)
        #expect(events.body[first]?.count == 10)
        #expect(events.closed[second] == 7)  // REFUSED_STREAM
        #expect(!events.ended.contains(second))

        // A request submitted after GOAWAY is never sent and is reported closed.
        let late = try pair.get("/three")
        try pair.run()
        #expect(events.closed[late] == 7)
        #expect(pair.server.requests[late] == nil)
        #expect(pair.client.streamCount == 0)
    }

    @Test func clientTerminateSendsGoaway() throws {
        let pair = try SessionPair()
        try pair.run()
        pair.client.terminate(errorCode: 2)
        try pair.run()
        #expect(pair.server.frames.contains { $0.direction == .received && $0.type == FrameEvent.Kind.goaway && $0.errorCode == 2 })
        #expect(!pair.client.wantsRead && !pair.client.wantsWrite)
    }

    @Test func deferredDataResumesWhenEnqueuedLater() throws {
        let pair = try SessionPair()
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
        }
        let stream = try pair.get("/paced")
        try pair.run()
        let events = pair.clientEvents
        #expect(events.header(stream, ":status") == "200")
        #expect(events.body[stream] == nil)
        #expect(!events.ended.contains(stream))

        let first = pattern(count: 1_000, seed: 1)
        pair.serverSession.enqueue(stream: stream, first)
        #expect(pair.serverSession.queuedBytes(stream: stream) == 1_000)
        try pair.run()
        #expect(events.body[stream] == first)
        #expect(pair.serverSession.queuedBytes(stream: stream) == 0)
        #expect(!events.ended.contains(stream))

        let second = pattern(count: 40_000, seed: 2)
        pair.serverSession.enqueue(stream: stream, second)
        try pair.run()
        #expect(events.body[stream] == first + second)
        #expect(!events.ended.contains(stream))

        pair.serverSession.finishResponse(stream: stream, trailers: [HeaderField(name: "grpc-status", value: "0")])
        try pair.run()
        #expect(events.ended.contains(stream))
        #expect(events.trailer(stream, "grpc-status") == "0")
        #expect(events.closed[stream] == 0)
    }

    @Test func headersOnlyResponseEndsStream() throws {
        let pair = try SessionPair()
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200,
                                            headers: [HeaderField(name: "grpc-status", value: "12")], endStream: true)
        }
        let stream = try pair.get("/unimplemented")
        try pair.run()
        let events = pair.clientEvents
        #expect(events.header(stream, "grpc-status") == "12")
        #expect(events.headerBlocks.first?.endStream == true)
        #expect(events.ended.contains(stream))
        #expect(events.closed[stream] == 0)
    }

    @Test func twoHundredConcurrentStreams() throws {
        var clientSettings = HTTP2Settings()
        clientSettings.connectionWindowSize = 8 << 20
        let pair = try SessionPair(client: clientSettings)
        try pair.run()  // handshake first: before the server's SETTINGS nghttp2 assumes a limit of 100
        var waiting: [Int32] = []
        pair.server.onRequestEnded = { [unowned pair] server, stream in
            // Hold every stream open until all 200 have arrived, then answer them all.
            waiting.append(stream)
            guard waiting.count == 200 else { return }
            for stream in waiting {
                let size = (Int(pair.server.path(stream)?.split(separator: "/").last ?? "") ?? -1) * 37
                try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
                server.enqueue(stream: stream, pattern(count: size, seed: Int(stream)))
                server.finishResponse(stream: stream, trailers: [])
            }
        }
        var streams: [Int32: Int] = [:]
        for index in 0..<200 {
            streams[try pair.get("/n/\(index)")] = index
        }
        #expect(pair.client.streamCount == 200)
        try pair.run()
        #expect(pair.server.maxOpenStreams == 200)
        let events = pair.clientEvents
        for (stream, index) in streams {
            #expect(events.body[stream] ?? [] == pattern(count: index * 37, seed: Int(stream)), "stream \(stream)")
            #expect(events.closed[stream] == 0)
        }
        #expect(events.closed.count == 200)
        #expect(pair.client.streamCount == 0)
        #expect(pair.serverSession.streamCount == 0)
    }

    @Test func remoteMaxConcurrentStreamsReflectsServerSettingAndIsHonoured() throws {
        var serverSettings = HTTP2Settings()
        serverSettings.maxConcurrentStreams = 17
        let pair = try SessionPair(server: serverSettings)
        let before = pair.client.remoteMaxConcurrentStreams
        try pair.run()
        #expect(before == 100)  // nghttp2's assumption before SETTINGS
        #expect(pair.client.remoteMaxConcurrentStreams == 17)

        // The server answers only once it holds 17 open streams: the client must queue
        // the rest, or the server would see more than 17 (or refuse them).
        var waiting: [Int32] = []
        pair.server.onRequestEnded = { server, stream in
            waiting.append(stream)
            guard waiting.count == 17 else { return }
            for stream in waiting {
                try! server.sendResponseHeaders(stream: stream, status: 204, headers: [], endStream: true)
            }
            waiting.removeAll()
        }
        var streams: [Int32] = []
        for index in 0..<34 { streams.append(try pair.get("/c/\(index)")) }
        try pair.run()
        #expect(pair.server.maxOpenStreams == 17)
        #expect(streams.allSatisfy { pair.clientEvents.closed[$0] == 0 })
        #expect(streams.allSatisfy { pair.clientEvents.header($0, ":status") == "204" })
    }

    @Test func serverStallsUntilClientConsumes() throws {
        let total = 256 * 1024
        let pair = try SessionPair.answeringEveryRequest(withBodyOf: total)
        let stream = try pair.get("/big")
        try pair.run()
        let events = pair.clientEvents
        let server = pair.serverSession
        // Stalled: both send windows used up, the rest still queued.
        #expect(events.body[stream]?.count == 65_535)
        #expect(server.connectionRemoteWindow == 0)
        #expect(server.streamRemoteWindow(stream) == 0)
        #expect(server.queuedBytes(stream: stream) == total - 65_535)
        #expect(pair.client.streamReceiveWindow(stream) == 0)
        #expect(pair.client.connectionReceiveWindow == 0)
        // Still stalled after more rounds without consume.
        try pair.run()
        #expect(events.body[stream]?.count == 65_535)

        var consumed = 0
        var rounds = 0
        while events.closed[stream] == nil && rounds < 100 {
            let received = events.body[stream]?.count ?? 0
            pair.client.consume(stream: stream, bytes: received - consumed)
            consumed = received
            try pair.run()
            rounds += 1
        }
        #expect(events.body[stream] == pattern(count: total))
        #expect(events.closed[stream] == 0)
        #expect(events.frames.contains { $0.direction == .sent && $0.type == FrameEvent.Kind.windowUpdate && $0.streamID == stream })
        #expect(events.frames.contains { $0.direction == .sent && $0.type == FrameEvent.Kind.windowUpdate && $0.streamID == 0 })
    }

    @Test func frameEventsCarryTheReceiveWindowsAfterEachDataFrameWhenAsked() throws {
        // Default windows (65,535 both), no automatic credit: after each DATA frame both windows
        // are exactly 65,535 minus the DATA bytes so far, until they reach 0.
        for reports in [true, false] {
            let pair = try SessionPair.answeringEveryRequest(withBodyOf: 100_000)
            pair.client.reportsWindows = reports
            let stream = try pair.get("/windows")
            try pair.run()
            let data = pair.clientEvents.frames.filter { $0.direction == .received && $0.type == FrameEvent.Kind.data }
            try #require(!data.isEmpty)
            var seen = 0
            for event in data {
                seen += event.length
                #expect(event.streamID == stream)
                #expect(event.streamWindow == (reports ? Int32(65_535 - seen) : -1), "after \(seen) bytes")
                #expect(event.connectionWindow == (reports ? Int32(65_535 - seen) : -1), "after \(seen) bytes")
            }
            #expect(seen == 65_535)
            let settings = pair.clientEvents.frames.filter { $0.type == FrameEvent.Kind.settings }
            #expect(settings.allSatisfy { $0.streamWindow == -1 && (reports ? $0.connectionWindow >= 0 : $0.connectionWindow == -1) })
        }
    }

    @Test func frameEventsCoverSettingsHeadersDataAndWindowUpdate() throws {
        var clientSettings = HTTP2Settings()
        clientSettings.connectionWindowSize = 1 << 20
        let pair = try SessionPair(client: clientSettings)
        pair.server.onRequestEnded = { server, stream in
            try! server.sendResponseHeaders(stream: stream, status: 200, headers: [])
            server.enqueue(stream: stream, pattern(count: 100_000))
            server.finishResponse(stream: stream, trailers: [])
        }
        let stream = try pair.get("/frames")
        #expect(pair.serverSession.connectionRemoteWindow == 65_535)
        try pair.run()
        let client = pair.clientEvents.frames
        let server = pair.server.frames
        func has(_ frames: [FrameEvent], _ direction: FrameEvent.Direction, _ type: UInt8, _ streamID: Int32) -> Bool {
            frames.contains { $0.direction == direction && $0.type == type && $0.streamID == streamID }
        }
        #expect(has(client, .sent, FrameEvent.Kind.settings, 0))
        #expect(has(client, .sent, FrameEvent.Kind.headers, stream))
        #expect(has(client, .received, FrameEvent.Kind.headers, stream))
        #expect(has(client, .received, FrameEvent.Kind.data, stream))
        #expect(has(client, .received, FrameEvent.Kind.settings, 0))
        #expect(has(server, .received, FrameEvent.Kind.headers, stream))
        #expect(has(server, .sent, FrameEvent.Kind.data, stream))
        // The connection window is raised right after SETTINGS, on stream 0.
        let raise = client.first { $0.direction == .sent && $0.type == FrameEvent.Kind.windowUpdate && $0.streamID == 0 }
        #expect(raise?.windowIncrement == Int32((1 << 20) - 65_535))
        let firstSent = client.filter { $0.direction == .sent }.prefix(2).map(\.type)
        #expect(firstSent == [FrameEvent.Kind.settings, FrameEvent.Kind.windowUpdate])
        #expect(has(server, .received, FrameEvent.Kind.windowUpdate, 0))
        // Stream WINDOW_UPDATEs from automatic flow control (100 kB > 64 KiB stream window).
        #expect(client.contains { $0.direction == .sent && $0.type == FrameEvent.Kind.windowUpdate && $0.streamID == stream && $0.windowIncrement > 0 })
        #expect(pair.clientEvents.body[stream]?.count == 100_000)
    }

    @Test func garbageInputThrowsLibraryError() throws {
        let server = ScriptedServer()
        let session = try ServerSession(settings: HTTP2Settings(), delegate: server)
        let garbage = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        let error = #expect(throws: HTTP2Error.self) {
            try garbage.withUnsafeBytes { bytes in try session.receive(bytes) }
        }
        #expect(error.map { $0.code < 0 } == true)
        #expect(error.map { !$0.message.isEmpty } == true)
    }

    @Test func invalidSettingsThrow() {
        var settings = HTTP2Settings()
        settings.maxFrameSize = 100  // below the 16,384 minimum
        #expect(throws: HTTP2Error.self) { try ClientSession(settings: settings, delegate: ClientRecorder()) }
    }

    @Test func versionIsTheLinkedLibrary() {
        #expect(nghttp2VersionString().hasPrefix("1."))
    }
}

