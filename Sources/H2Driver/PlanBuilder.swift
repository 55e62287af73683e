import H2Wire
import H2Profile

/// Turns a profile's mix entries into ``StreamPlan``s (one per entry, built once per cell).
public enum PlanBuilder {
    /// gRPC method paths of the grpc.testing interop service.
    public static let streamingOutputCallPath = "/grpc.testing.TestService/StreamingOutputCall"
    public static let unaryCallPath = "/grpc.testing.TestService/UnaryCall"
    /// Request header that asks the embedded server to stamp message bodies.
    public static let stampHeader = "h2stress-stamp"

    /// Builds the plan for one mix entry. `stamped` asks for (and checks) body stamps — only
    /// meaningful against the embedded target; `checksum` picks which stamped bodies are summed
    /// in full (here every one by default; a profile's default is ``ChecksumSampling/default``).
    public static func plan(for kind: StreamKind, stamped: Bool, checksum: ChecksumSampling = .all) -> StreamPlan {
        switch kind {
        case .grpcServerStream(let spec):
            let sizes = (0..<spec.messages).map { spec.messageSize($0) }
            let intervalUs = Int32(clamping: spec.interval.nanoseconds / 1000)
            let request = StreamingOutputCallRequest.encoded(
                params: sizes.map { (size: Int32(clamping: $0), intervalUs: intervalUs) }, payloadSize: 0)
            return grpcPlan(kindName: "grpc.serverStream", path: streamingOutputCallPath, request: request,
                            bodySizes: sizes, stamped: stamped, checksum: checksum)
        case .grpcUnary(let spec):
            let request = SimpleRequest(responseSize: Int32(clamping: spec.responseSize.bytes),
                                        payload: Payload(body: [UInt8](repeating: 0x71, count: spec.requestSize.bytes))).encoded()
            return grpcPlan(kindName: "grpc.unary", path: unaryCallPath, request: request,
                            bodySizes: [spec.responseSize.bytes], stamped: stamped, checksum: checksum)
        case .httpGet(let spec):
            return StreamPlan(kindName: "http.get", framing: .http, method: "GET",
                              path: spec.path ?? "/bytes/\(spec.size.bytes)", requestHeaders: [], requestBody: [],
                              expectedMessageLengths: [], expectedBodySizes: [], expectedBytes: spec.size.bytes,
                              stamped: false)
        case .httpRequest(let spec):
            return httpRequestPlan(spec)
        case .grpcCall(let spec):
            return grpcCallPlan(spec)
        }
    }

    /// `http.request`: the user's method, path, headers and body; a `content-length` goes with a
    /// body unless the headers carry one. Statuses and the body size are checked as `expect` says.
    static func httpRequestPlan(_ spec: HTTPRequestSpec) -> StreamPlan {
        var headers = spec.headers
        let body = spec.body?.bytes ?? []
        if spec.body != nil && !headers.contains(where: { $0.name == "content-length" }) {
            headers.append(HeaderField(name: "content-length", value: String(body.count)))
        }
        let expectation = StreamPlan.Expectation(httpStatuses: spec.expectStatus, bytesFixed: spec.expectSize != nil)
        return StreamPlan(kindName: "http.request", framing: .http, method: spec.method, path: spec.path,
                          requestHeaders: headers, requestBody: body, expectedMessageLengths: [], expectedBodySizes: [],
                          expectedBytes: spec.expectSize?.bytes ?? 0, stamped: false, expectation: expectation)
    }

    /// `grpc.call`: the user's messages framed one after the other, opaque responses counted
    /// and measured as `expect` says (never decoded, never stamped).
    static func grpcCallPlan(_ spec: GRPCCallSpec) -> StreamPlan {
        var body: [UInt8] = []
        for message in spec.request { GRPCFrame.append(message.bytes, to: &body) }
        var headers = grpcHeaders
        headers += spec.metadata
        let count = spec.expectMessages ?? 0
        let length = spec.expectMessageSize?.bytes
        let lengths = [Int](repeating: length ?? 0, count: count)
        let expectation = StreamPlan.Expectation(
            grpcStatuses: spec.expectStatus, messagesFixed: spec.expectMessages != nil,
            bytesFixed: spec.expectMessages != nil && length != nil, opaque: true, messageLength: length)
        return StreamPlan(kindName: "grpc.call", framing: .grpc, method: "POST", path: spec.method, requestHeaders: headers,
                          requestBody: body, expectedMessageLengths: lengths, expectedBodySizes: lengths,
                          expectedBytes: count * (GRPCFrame.prefixLength + (length ?? 0)), stamped: false,
                          expectation: expectation)
    }

    /// `content-type: application/grpc` and `te: trailers`.
    static let grpcHeaders = [
        HeaderField(name: "content-type", value: "application/grpc"),
        HeaderField(name: "te", value: "trailers"),
    ]

    /// A `grpc.serverStream` plan with one size and one pause per message: the embedded server
    /// waits `intervals[i]` (after queueing message i−1, or after the request for i = 0) before
    /// sending message `i` of `sizes[i]` payload bytes. Pauses travel as whole microseconds
    /// (`interval_us`), so sub-microsecond parts are dropped. Used by ground-truth tests that
    /// inject a known pause before one message.
    public static func serverStreamPlan(sizes: [Int], intervals: [TimeSpan], stamped: Bool) -> StreamPlan {
        precondition(sizes.count == intervals.count && !sizes.isEmpty,
                     "BUG DETECTED: serverStreamPlan needs one interval per message")
        let params = zip(sizes, intervals).map { size, interval in
            (size: Int32(clamping: size), intervalUs: Int32(clamping: interval.nanoseconds / 1000))
        }
        let request = StreamingOutputCallRequest.encoded(params: params, payloadSize: 0)
        return grpcPlan(kindName: "grpc.serverStream", path: streamingOutputCallPath, request: request,
                        bodySizes: sizes, stamped: stamped)
    }

    private static func grpcPlan(kindName: String, path: String, request: [UInt8], bodySizes: [Int], stamped: Bool,
                                 checksum: ChecksumSampling = .all) -> StreamPlan {
        var body: [UInt8] = []
        GRPCFrame.append(request, to: &body)
        var headers = grpcHeaders
        if stamped { headers.append(HeaderField(name: stampHeader, value: "1")) }
        let lengths = bodySizes.map { StreamingOutputCallResponse.encodedLength(bodySize: $0) }
        return StreamPlan(kindName: kindName, framing: .grpc, method: "POST", path: path, requestHeaders: headers,
                          requestBody: body, expectedMessageLengths: lengths, expectedBodySizes: bodySizes,
                          expectedBytes: lengths.reduce(0) { $0 + GRPCFrame.prefixLength + $1 }, stamped: stamped,
                          checksum: checksum)
    }
}
