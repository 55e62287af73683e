import H2Wire

/// What one stream sends and exactly what it expects back.
///
/// One plan exists per mix entry and is shared (by reference) by every stream opened from that
/// entry, so starting a stream allocates nothing for its plan.
/// Invariants: `expectedMessageLengths.count == expectedBodySizes.count`; for gRPC plans
/// `expectedBytes == Σ (5 + expectedMessageLengths[i])`, for HTTP plans `expectedBytes` is the body size.
public final class StreamPlan: Sendable {
    /// Which protocol the response is checked against.
    public enum Framing: String, Sendable, Codable {
        /// gRPC length-prefixed messages, `grpc-status` trailers.
        case grpc
        /// A plain HTTP/2 body of a known size.
        case http
    }

    /// Mix kind name as written in profiles: `grpc.serverStream`, `grpc.unary` or `http.get`.
    public let kindName: String
    /// How the response is framed.
    public let framing: Framing
    /// `GET` or `POST`.
    public let method: StaticString
    /// The `:path` of the request.
    public let path: String
    /// Request headers beyond the pseudo-headers (content-type, te, the stamp request).
    public let requestHeaders: [HeaderField]
    /// The request body (already gRPC-framed for gRPC plans); may be empty.
    public let requestBody: [UInt8]
    /// Expected length of each response message's protobuf encoding (gRPC only), in order.
    public let expectedMessageLengths: [Int]
    /// Expected payload body size of each response message (the `size` the profile asked for).
    public let expectedBodySizes: [Int]
    /// Expected response DATA payload bytes in total.
    public let expectedBytes: Int
    /// Whether the embedded server is asked to stamp message bodies.
    public let stamped: Bool
    /// Which stamped bodies are summed in full (``ChecksumSampling``); a faulted plan sums all.
    public let checksum: ChecksumSampling
    /// The fault this plan asks the embedded server for (`h2stress-fault` in ``requestHeaders``), if any.
    public let fault: Fault?
    /// ``fault``'s header text, the key of ``CellMeasurements/faultOutcomes`` (nil: no fault).
    public let faultKey: String?

    /// Creates a plan; see the type's invariants.
    public init(kindName: String, framing: Framing, method: StaticString, path: String, requestHeaders: [HeaderField], requestBody: [UInt8],
                expectedMessageLengths: [Int], expectedBodySizes: [Int], expectedBytes: Int, stamped: Bool,
                checksum: ChecksumSampling = .all, fault: Fault? = nil) {
        precondition(expectedMessageLengths.count == expectedBodySizes.count,
                     "BUG DETECTED: plan message lengths and body sizes differ in count")
        self.kindName = kindName
        self.framing = framing
        self.method = method
        self.path = path
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.expectedMessageLengths = expectedMessageLengths
        self.expectedBodySizes = expectedBodySizes
        self.expectedBytes = expectedBytes
        self.stamped = stamped
        self.checksum = fault == nil ? checksum : .all
        self.fault = fault
        self.faultKey = fault?.description
    }

    /// The same plan with the request header that asks for `fault` (built once per cell, so a
    /// faulted stream allocates nothing more than a clean one). Every body of a faulted stream
    /// is summed, so an injected corruption is always caught whatever the sampling.
    public func withFault(_ fault: Fault) -> StreamPlan {
        StreamPlan(kindName: kindName, framing: framing, method: method, path: path,
                   requestHeaders: requestHeaders + [HeaderField(name: Fault.headerName, value: fault.description)],
                   requestBody: requestBody, expectedMessageLengths: expectedMessageLengths,
                   expectedBodySizes: expectedBodySizes, expectedBytes: expectedBytes, stamped: stamped, checksum: .all,
                   fault: fault)
    }

    /// Number of messages expected (gRPC), or 0 for a plain HTTP body.
    public var expectedMessages: Int { expectedMessageLengths.count }
}
