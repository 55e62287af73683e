import H2Wire
import Testing
@testable import H2Profile
@testable import H2Driver

/// `http.request` and `grpc.call` verdicts on synthetic responses: every outcome these kinds
/// can produce, and which complete streams count as *size not verified*.
struct GenericKindVerdictTests {
    static let clean = StreamClosure.closed(errorCode: 0, resetByPeer: false)

    static func httpPlan(status: StatusSet = .success, size: Int? = nil) -> StreamPlan {
        PlanBuilder.plan(for: .httpRequest(HTTPRequestSpec(method: "POST", path: "/upload", expectStatus: status,
                                                           expectSize: size.map { ByteCount(bytes: $0) })),
                         stamped: false)
    }

    static func grpcPlan(status: [Int] = [0], messages: Int? = nil, size: Int? = nil) -> StreamPlan {
        PlanBuilder.plan(for: .grpcCall(GRPCCallSpec(method: "/echo.Echo/Stream", request: [RequestBody(source: .text("hi"), bytes: Array("hi".utf8))],
                                                     expectStatus: status, expectMessages: messages,
                                                     expectMessageSize: size.map { ByteCount(bytes: $0) })),
                         stamped: false)
    }

    /// An HTTP response: `status`, an optional `content-length`, `body` bytes, END_STREAM.
    static func http(_ plan: StreamPlan, status: Int = 200, contentLength: Int? = nil, body: Int) -> StreamVerdict {
        var v = StreamVerifier(plan: plan, streamID: 1)
        var fields = [(":status", String(status))]
        if let contentLength { fields.append(("content-length", String(contentLength))) }
        v.receiveHeaders(fields)
        v.receive([UInt8](repeating: 0x61, count: body), chunkSizes: [7, 1000])
        v.endStream()
        return v.verdict(clean)
    }

    /// A gRPC response of opaque messages with the given lengths, then `grpc-status`.
    static func grpc(_ plan: StreamPlan, lengths: [Int], status: Int = 0, cutLast: Int = 0) -> StreamVerdict {
        var v = StreamVerifier(plan: plan, streamID: 1)
        v.receiveGRPCHeaders()
        var bytes: [UInt8] = []
        for length in lengths { GRPCFrame.append([UInt8](repeating: 0x65, count: length), to: &bytes) }
        v.receive(Array(bytes.dropLast(cutLast)), chunkSizes: [3, 64])
        v.receiveGRPCTrailers(status: status)
        return v.verdict(clean)
    }

    // MARK: http.request

    @Test("without expect.size a response with content-length is checked against it, one without is complete but unverified")
    func openSize() {
        let plan = Self.httpPlan()
        #expect(plan.method == "POST" && plan.plannedBytes == nil)
        let withLength = Self.http(plan, contentLength: 1234, body: 1234)
        #expect(withLength.outcome == .complete && !withLength.sizeUnverified)
        let without = Self.http(plan, body: 777)
        #expect(without.outcome == .complete && without.sizeUnverified)
        #expect(Self.http(plan, body: 0).sizeUnverified)
    }

    @Test("a short content-length body is truncated even when the size is open")
    func shortContentLength() {
        let verdict = Self.http(Self.httpPlan(), contentLength: 1000, body: 600)
        #expect(verdict.outcome == .truncated)
        #expect(verdict.detail == "END_STREAM after 600 of content-length 1000 bytes")
    }

    @Test("expect.size fixes the body: short is truncated, long is integrity, exact is verified")
    func fixedSize() {
        let plan = Self.httpPlan(size: 2048)
        #expect(Self.http(plan, body: 2000).outcome == .truncated)
        #expect(Self.http(plan, body: 2048 + 1).outcome == .integrity)
        let exact = Self.http(plan, body: 2048)
        #expect(exact.outcome == .complete && !exact.sizeUnverified)
    }

    @Test("expect.status decides statusError: a list, a class, a range")
    func statuses() {
        let created = Self.httpPlan(status: StatusSet([201...201, 204...204]))
        #expect(Self.http(created, status: 201, body: 0).outcome == .complete)
        #expect(Self.http(created, status: 204, body: 0).outcome == .complete)
        let ok = Self.http(created, status: 200, body: 5)
        #expect(ok.outcome == .statusError)
        #expect(ok.detail == ":status 200, expected 201, 204 after 5/any bytes")
        let notFound = Self.httpPlan(status: StatusSet([404...404]))
        #expect(Self.http(notFound, status: 404, body: 9).outcome == .complete)
        #expect(Self.http(Self.httpPlan(), status: 503, body: 0).detail == ":status 503 after 0/any bytes")
    }

    // MARK: grpc.call

    @Test("without expect.messages any count is complete but unverified; messages are not decoded")
    func openCount() {
        let plan = Self.grpcPlan()
        #expect(plan.plannedMessages == nil && plan.expectation.opaque)
        for lengths in [[], [0], [1, 2, 3], [70_000, 5]] {
            let verdict = Self.grpc(plan, lengths: lengths)
            #expect(verdict.outcome == .complete, "\(lengths)")
            #expect(verdict.sizeUnverified)
        }
    }

    @Test("fewer messages than expect.messages with grpc-status 0 is truncated; exactly that many is verified")
    func fewerMessages() {
        let plan = Self.grpcPlan(messages: 3)
        let short = Self.grpc(plan, lengths: [10, 10])
        #expect(short.outcome == .truncated)
        #expect(short.detail == "grpc-status 0 after 2/3 messages, 30/any bytes")
        let exact = Self.grpc(plan, lengths: [10, 10, 10])
        #expect(exact.outcome == .complete && !exact.sizeUnverified)
        #expect(Self.grpc(plan, lengths: [10, 10, 10, 10]).outcome == .integrity, "a message beyond the count")
    }

    @Test("a message cut short is truncated")
    func cutShort() {
        let verdict = Self.grpc(Self.grpcPlan(), lengths: [10, 10], cutLast: 4)
        #expect(verdict.outcome == .truncated)
        #expect(verdict.detail.hasPrefix("message 1 cut short"))
    }

    @Test("expect.messageSize checks each message's length")
    func messageSize() {
        let plan = Self.grpcPlan(messages: 2, size: 10)
        #expect(plan.plannedBytes == 30)
        #expect(Self.grpc(plan, lengths: [10, 10]).outcome == .complete)
        let wrong = Self.grpc(plan, lengths: [10, 11])
        #expect(wrong.outcome == .integrity)
        #expect(wrong.detail == "message 1: 11 bytes, expected 10")
    }

    @Test("a status other than expect.status is statusError, named; an expected non-OK status is complete")
    func grpcStatuses() {
        let unavailable = Self.grpc(Self.grpcPlan(), lengths: [1], status: 14)
        #expect(unavailable.outcome == .statusError)
        #expect(unavailable.detail == "grpc-status 14 (UNAVAILABLE) after 1/any messages, 6/any bytes")
        let notFound = Self.grpcPlan(status: [5])
        #expect(Self.grpc(notFound, lengths: [], status: 5).outcome == .complete)
        let ok = Self.grpc(notFound, lengths: [], status: 0)
        #expect(ok.outcome == .statusError)
        #expect(ok.detail.hasPrefix("grpc-status 0 (OK), expected 5 (NOT_FOUND) after"))
        #expect(Self.grpc(Self.grpcPlan(), lengths: [], status: 4).outcome == .deadline, "DEADLINE_EXCEEDED stays a deadline")
    }

    @Test("the request: messages framed in order, gRPC headers, metadata after them")
    func request() {
        let spec = GRPCCallSpec(method: "/a.B/C", request: [RequestBody(source: .text("ab"), bytes: [0x61, 0x62]),
                                                            RequestBody(source: .size(ByteCount(bytes: 0)), bytes: [])],
                                metadata: [HeaderField(name: "x-k", value: "v")])
        let plan = PlanBuilder.plan(for: .grpcCall(spec), stamped: true)
        #expect(plan.requestBody == [0, 0, 0, 0, 2, 0x61, 0x62, 0, 0, 0, 0, 0])
        #expect(plan.requestHeaders.map(\.name) == ["content-type", "te", "x-k"])
        #expect(plan.path == "/a.B/C" && plan.method == "POST" && !plan.stamped, "a generic call is never stamped")
        let http = PlanBuilder.plan(for: .httpRequest(HTTPRequestSpec(method: "PUT", path: "/x", headers: [HeaderField(name: "x-a", value: "1")],
                                                                      body: RequestBody(source: .size(ByteCount(bytes: 3)), bytes: [0x78, 0x78, 0x78]))),
                                    stamped: false)
        #expect(http.requestHeaders == [HeaderField(name: "x-a", value: "1"), HeaderField(name: "content-length", value: "3")])
        #expect(http.requestBody == [0x78, 0x78, 0x78] && http.method == "PUT")
    }

    @Test("a generated request message is valid protobuf of exactly the asked length", arguments: [0, 6, 7, 100, 133, 134, 135, 16_389, 16_390, 70_000])
    func fillerMessages(length: Int) throws {
        let message = try #require(OpaqueMessage.filler(length: length))
        #expect(message.count == length)
        // Reading every field as an unknown length-delimited field consumes the message exactly.
        var fields = 0
        try message.withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            while !reader.isAtEnd {
                let tag = try #require(try reader.readTag())
                #expect(UInt64(tag.field) == OpaqueMessage.fieldNumber && tag.wireType == .lengthDelimited)
                _ = try reader.readLengthDelimited()
                fields += 1
            }
        }
        #expect(fields <= 2)
        #expect(OpaqueMessage.filler(length: 3) == nil)
    }
}
