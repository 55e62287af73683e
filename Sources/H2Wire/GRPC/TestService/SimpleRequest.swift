/// `grpc.testing.SimpleRequest`: the request of the unary call `grpc.testing.TestService/UnaryCall`.
///
/// Fields: `response_type = 1` (enum), `response_size = 2` (int32, the **payload body** size
/// of the response), `payload = 3` (``Payload``). Fields 4–11 and unknown fields are skipped
/// when decoding.
public struct SimpleRequest: Equatable, Sendable {
    /// The requested `PayloadType` (0 = `COMPRESSABLE`).
    public var responseType: Int32
    /// Payload body size of the response, in bytes.
    public var responseSize: Int32
    /// An optional input payload; `nil` when the field is absent.
    public var payload: Payload?

    /// Creates a request.
    public init(responseType: Int32 = 0, responseSize: Int32 = 0, payload: Payload? = nil) {
        self.responseType = responseType
        self.responseSize = responseSize
        self.payload = payload
    }

    /// Serializes the request the way protoc-generated code does.
    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter(capacity: 16 + (payload?.body.count ?? 0))
        writer.appendInt32Field(1, responseType)
        writer.appendInt32Field(2, responseSize)
        if let payload {
            writer.appendMessageField(3) { payload.encodeFields(into: &$0) }
        }
        return writer.bytes
    }

    /// Serializes a request for a response body of `responseSize` bytes with an input payload
    /// of `payloadSize` zero bytes (no payload field when 0).
    public static func encoded(responseSize: Int32, payloadSize: Int) -> [UInt8] {
        SimpleRequest(
            responseSize: responseSize,
            payload: payloadSize > 0 ? Payload(body: [UInt8](repeating: 0, count: payloadSize)) : nil
        ).encoded()
    }

    /// Decodes a request (server side), skipping unknown fields of any wire type.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) -> SimpleRequest {
        var result = SimpleRequest()
        var reader = ProtobufReader(bytes)
        while let (field, wireType) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wireType, is: .varint, field: field)
                result.responseType = try reader.readInt32()
            case 2:
                try reader.expect(wireType, is: .varint, field: field)
                result.responseSize = try reader.readInt32()
            case 3:
                try reader.expect(wireType, is: .lengthDelimited, field: field)
                try result.payload.mergeField(try reader.readLengthDelimited())
            default:
                try reader.skipField(wireType, field: field)
            }
        }
        return result
    }
}
