import H2Wire
import Testing
@testable import H2Profile
@testable import H2Driver

/// ``PlanBuilder``: what each mix entry sends and exactly what it expects back.
struct PlanBuilderTests {
    static let burstSpec = ServerStreamSpec(messages: 100, size: .kibibytes(1), interval: .milliseconds(1),
                                            bursts: [Burst(at: 47, size: .kibibytes(64))])

    @Test func expectedBytesOfABurstyStreamAreTheSumOfItsFrames() {
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.burstSpec), stamped: true)
        let sizes = (0..<100).map { $0 == 47 ? 65_536 : 1_024 }
        #expect(plan.expectedBodySizes == sizes)
        #expect(plan.expectedMessageLengths == sizes.map { StreamingOutputCallResponse.encodedLength(bodySize: $0) })
        #expect(plan.expectedBytes == sizes.reduce(0) { $0 + 5 + StreamingOutputCallResponse.encodedLength(bodySize: $1) })
        // By hand: a 1KiB body has a 6-byte header (0A 83 08 12 80 08), a 64KiB body an 8-byte one;
        // 99 × (5 + 1030) + (5 + 65 544) = 168 014.
        #expect(plan.expectedMessageLengths[0] == 1_030)
        #expect(plan.expectedMessageLengths[47] == 65_544)
        #expect(plan.expectedBytes == 168_014)
        #expect(plan.expectedMessages == 100)
        #expect(plan.framing == .grpc)
        #expect(plan.kindName == "grpc.serverStream")
    }

    @Test func theServerStreamRequestDecodesToThePlannedSizesAndIntervals() throws {
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.burstSpec), stamped: false)
        let body = plan.requestBody
        #expect(body.count > 5)
        #expect(body[0] == 0, "request is not compressed")
        let announced = Int(body[1]) << 24 | Int(body[2]) << 16 | Int(body[3]) << 8 | Int(body[4])
        #expect(announced == body.count - 5)
        let request = try body.withUnsafeBytes { raw in
            try StreamingOutputCallRequest.decode(UnsafeRawBufferPointer(rebasing: raw[5...]))
        }
        #expect(request.responseParameters.count == 100)
        #expect(request.responseParameters.map(\.size) == (0..<100).map { $0 == 47 ? 65_536 : 1_024 })
        #expect(request.responseParameters.allSatisfy { $0.intervalUs == 1_000 })
    }

    @Test func grpcPlansPostToTheInteropServiceWithGRPCHeaders() {
        let stamped = PlanBuilder.plan(for: .grpcServerStream(Self.burstSpec), stamped: true)
        #expect(stamped.method.description == "POST")
        #expect(stamped.path == "/grpc.testing.TestService/StreamingOutputCall")
        #expect(stamped.requestHeaders.contains(HeaderField(name: "content-type", value: "application/grpc")))
        #expect(stamped.requestHeaders.contains(HeaderField(name: "te", value: "trailers")))
        #expect(stamped.requestHeaders.contains(HeaderField(name: "h2stress-stamp", value: "1")))
        #expect(stamped.stamped)

        let plain = PlanBuilder.plan(for: .grpcServerStream(Self.burstSpec), stamped: false)
        #expect(!plain.requestHeaders.contains { $0.name == "h2stress-stamp" })
        #expect(!plain.stamped)
    }

    @Test func aUnaryPlanAsksForItsResponseSize() throws {
        let plan = PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 100), responseSize: .kibibytes(1))),
                                    stamped: true)
        #expect(plan.path == "/grpc.testing.TestService/UnaryCall")
        #expect(plan.kindName == "grpc.unary")
        #expect(plan.expectedBodySizes == [1_024])
        #expect(plan.expectedBytes == 5 + 1_030)
        let request = try plan.requestBody.withUnsafeBytes { raw in
            try SimpleRequest.decode(UnsafeRawBufferPointer(rebasing: raw[5...]))
        }
        #expect(request.responseSize == 1_024)
        #expect(request.payload?.body.count == 100)
    }

    @Test func anHTTPGetPlanExpectsTheBodySize() {
        let plan = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(64))), stamped: true)
        #expect(plan.framing == .http)
        #expect(plan.method.description == "GET")
        #expect(plan.path == "/bytes/65536")
        #expect(plan.expectedBytes == 65_536)
        #expect(plan.expectedMessages == 0)
        #expect(plan.requestBody.isEmpty)
        #expect(!plan.stamped, "plain bodies are never stamped")

        let custom = PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: ByteCount(bytes: 10), path: "/static/x")), stamped: false)
        #expect(custom.path == "/static/x")
        #expect(custom.expectedBytes == 10)
    }

    @Test func clientSettingsBecomeTheDriversHTTP2Settings() {
        let client = ClientSettings(streamWindow: .mebibytes(1), connectionWindow: .mebibytes(4), maxFrameSize: .kibibytes(64),
                                    headerTableSize: .kibibytes(8), stamp: true)
        let s = HTTP2Settings(client: client)
        #expect(s.initialWindowSize == 1 << 20)
        #expect(s.connectionWindowSize == 4 << 20)
        #expect(s.maxFrameSize == 65_536)
        #expect(s.headerTableSize == 8_192)
    }
}
