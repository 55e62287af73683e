/// `grpc.testing.ResponseParameters`: the shape of one response message of a streaming call.
///
/// Fields: `size = 1` (int32), `interval_us = 2` (int32); `compressed = 3` is skipped when decoding.
///
/// `size` is the size of the **payload body** (`Payload.body`) of that response, not of the
/// message on the wire: the encoded `StreamingOutputCallResponse` is a few bytes bigger (see
/// ``PayloadResponseLayout/encodedLength(bodySize:)``), and the gRPC frame adds 5 more.
public struct ResponseParameters: Equatable, Sendable {
    /// Payload body size of the response, in bytes.
    public var size: Int32
    /// Delay before this response, in microseconds.
    public var intervalUs: Int32

    /// Creates response parameters.
    public init(size: Int32, intervalUs: Int32 = 0) {
        self.size = size
        self.intervalUs = intervalUs
    }

    /// Appends this message's fields to `writer` (defaults omitted).
    public func encodeFields(into writer: inout ProtobufWriter) {
        writer.appendInt32Field(1, size)
        writer.appendInt32Field(2, intervalUs)
    }

    /// Decodes `ResponseParameters` from its serialized bytes, skipping unknown fields.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) -> ResponseParameters {
        var result = ResponseParameters(size: 0)
        var reader = ProtobufReader(bytes)
        while let (field, wireType) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wireType, is: .varint, field: field)
                result.size = try reader.readInt32()
            case 2:
                try reader.expect(wireType, is: .varint, field: field)
                result.intervalUs = try reader.readInt32()
            default:
                try reader.skipField(wireType, field: field)
            }
        }
        return result
    }
}
