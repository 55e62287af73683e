/// A grpc.testing response whose only field the harness uses is `payload = 1`
/// (`SimpleResponse`, `StreamingOutputCallResponse`): one codec for both.
///
/// This is the general (allocating) codec, for tests and cold paths. The embedded server
/// writes responses with ``PayloadResponseLayout``; a message carrying only a payload has
/// the same bytes in both types.
public protocol PayloadResponse: Equatable, Sendable {
    /// The response payload; `nil` when the field is absent.
    var payload: Payload? { get set }
    /// An empty response.
    init()
}

extension PayloadResponse {
    /// Creates a response carrying `payload`.
    public init(payload: Payload?) {
        self.init()
        self.payload = payload
    }

    /// Length of the encoded message whose payload body is `bodySize` bytes (type 0).
    /// Same as ``PayloadResponseLayout/encodedLength(bodySize:)``.
    @inlinable
    public static func encodedLength(bodySize: Int) -> Int {
        PayloadResponseLayout.encodedLength(bodySize: bodySize)
    }

    /// Serializes the response the way protoc-generated code does.
    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter(capacity: 16 + (payload?.body.count ?? 0))
        if let payload {
            writer.appendMessageField(1) { payload.encodeFields(into: &$0) }
        }
        return writer.bytes
    }

    /// Decodes a response, skipping unknown fields of any wire type.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) -> Self {
        var result = Self()
        var reader = ProtobufReader(bytes)
        while let (field, wireType) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wireType, is: .lengthDelimited, field: field)
                try result.payload.mergeField(try reader.readLengthDelimited())
            default:
                try reader.skipField(wireType, field: field)
            }
        }
        return result
    }
}
