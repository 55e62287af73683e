/// A unary gRPC call (`grpc.testing.TestService/UnaryCall`) with a request payload of
/// `requestSize` bytes asking for a response payload of `responseSize` bytes.
public struct UnarySpec: Sendable, Hashable, Codable {
    /// Request payload size.
    public var requestSize: ByteCount
    /// Requested response payload size.
    public var responseSize: ByteCount

    /// A unary call spec.
    public init(requestSize: ByteCount, responseSize: ByteCount) {
        self.requestSize = requestSize
        self.responseSize = responseSize
    }
}
