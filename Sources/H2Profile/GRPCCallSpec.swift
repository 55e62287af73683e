import H2Wire

/// Any unary or server-streaming gRPC method (`grpc.call`): the method path, the serialized
/// request message(s) h2stress frames and sends, metadata, and what the response must be.
///
/// Request messages are opaque bytes (for example from `protoc --encode`); response messages
/// are checked for gRPC framing, counted and measured, never decoded. Several request messages
/// are all sent before the response is read (client streaming works; bidirectional methods are
/// driven as "send everything, then read").
public struct GRPCCallSpec: Sendable, Hashable, Codable {
    /// `/package.Service/Method`.
    public var method: String
    /// The request messages, in order (at least one; an empty message is allowed).
    public var request: [RequestBody]
    /// Request metadata, names lowercase, in the order written.
    public var metadata: [HeaderField]
    /// Accepted `grpc-status` codes (default `[0]`, OK).
    public var expectStatus: [Int]
    /// The exact number of response messages; `nil` for any.
    public var expectMessages: Int?
    /// The exact serialized length of every response message (the gRPC length prefix); `nil` for any.
    public var expectMessageSize: ByteCount?

    /// A call spec.
    public init(method: String, request: [RequestBody], metadata: [HeaderField] = [], expectStatus: [Int] = [0],
                expectMessages: Int? = nil, expectMessageSize: ByteCount? = nil) {
        self.method = method
        self.request = request
        self.metadata = metadata
        self.expectStatus = expectStatus
        self.expectMessages = expectMessages
        self.expectMessageSize = expectMessageSize
    }
}
