import H2Profile
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

    /// What a response must be beyond its framing: accepted statuses, and which counts and
    /// sizes are fixed. The built-in kinds fix everything (``Expectation/exact``); the generic
    /// ones (`http.request`, `grpc.call`) may leave sizes and counts open.
    public struct Expectation: Sendable {
        /// Accepted `:status` values.
        public var httpStatuses: StatusSet = .success
        /// Accepted `grpc-status` codes.
        public var grpcStatuses: [Int] = [0]
        /// The number of response messages is ``StreamPlan/expectedMessages`` (else any).
        public var messagesFixed = true
        /// The response body is ``StreamPlan/expectedBytes`` bytes (else any).
        public var bytesFixed = true
        /// Response messages are opaque: counted and measured, not decoded as payload responses.
        public var opaque = false
        /// For opaque messages: each one's exact length (the gRPC length prefix), else any.
        public var messageLength: Int?

        /// Everything fixed, `2xx` and `grpc-status: 0`: the built-in kinds.
        public static let exact = Expectation()

        public init(httpStatuses: StatusSet = .success, grpcStatuses: [Int] = [0], messagesFixed: Bool = true,
                    bytesFixed: Bool = true, opaque: Bool = false, messageLength: Int? = nil) {
            self.httpStatuses = httpStatuses
            self.grpcStatuses = grpcStatuses
            self.messagesFixed = messagesFixed
            self.bytesFixed = bytesFixed
            self.opaque = opaque
            self.messageLength = messageLength
        }
    }

    /// Mix kind name as written in profiles: `grpc.serverStream`, `grpc.unary`, `grpc.call`,
    /// `http.get` or `http.request`.
    public let kindName: String
    /// How the response is framed.
    public let framing: Framing
    /// The request method (`GET`, `POST`, …).
    public let method: String
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
    /// What the response must be beyond its framing.
    public let expectation: Expectation

    /// Creates a plan; see the type's invariants.
    public init(kindName: String, framing: Framing, method: String, path: String, requestHeaders: [HeaderField], requestBody: [UInt8],
                expectedMessageLengths: [Int], expectedBodySizes: [Int], expectedBytes: Int, stamped: Bool,
                checksum: ChecksumSampling = .all, fault: Fault? = nil, expectation: Expectation = .exact) {
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
        self.expectation = expectation
    }

    /// The same plan with the request header that asks for `fault` (built once per cell, so a
    /// faulted stream allocates nothing more than a clean one). Every body of a faulted stream
    /// is summed, so an injected corruption is always caught whatever the sampling.
    public func withFault(_ fault: Fault) -> StreamPlan {
        StreamPlan(kindName: kindName, framing: framing, method: method, path: path,
                   requestHeaders: requestHeaders + [HeaderField(name: Fault.headerName, value: fault.description)],
                   requestBody: requestBody, expectedMessageLengths: expectedMessageLengths,
                   expectedBodySizes: expectedBodySizes, expectedBytes: expectedBytes, stamped: stamped, checksum: .all,
                   fault: fault, expectation: expectation)
    }

    /// Number of messages expected (gRPC), or 0 for a plain HTTP body or an open count.
    public var expectedMessages: Int { expectedMessageLengths.count }
    /// ``expectedMessages`` when the plan fixes it, else `nil` (any).
    public var plannedMessages: Int? { expectation.messagesFixed ? expectedMessages : nil }
    /// ``expectedBytes`` when the plan fixes it, else `nil` (any).
    public var plannedBytes: Int? { expectation.bytesFixed ? expectedBytes : nil }
}
