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
        }
    }

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
        var headers = [
            HeaderField(name: "content-type", value: "application/grpc"),
            HeaderField(name: "te", value: "trailers"),
        ]
        if stamped { headers.append(HeaderField(name: stampHeader, value: "1")) }
        let lengths = bodySizes.map { StreamingOutputCallResponse.encodedLength(bodySize: $0) }
        return StreamPlan(kindName: kindName, framing: .grpc, method: "POST", path: path, requestHeaders: headers,
                          requestBody: body, expectedMessageLengths: lengths, expectedBodySizes: bodySizes,
                          expectedBytes: lengths.reduce(0) { $0 + GRPCFrame.prefixLength + $1 }, stamped: stamped,
                          checksum: checksum)
    }
}
