/// `grpc.testing.StreamingOutputCallRequest`: the request of the server-streaming call
/// `grpc.testing.TestService/StreamingOutputCall`.
///
/// Fields: `response_type = 1` (enum), `response_parameters = 2` (repeated
/// ``ResponseParameters``, one per response message), `payload = 3` (``Payload``).
/// `response_status = 7` and `orca_oob_report = 8` (and any other field) are skipped when decoding.
public struct StreamingOutputCallRequest: Equatable, Sendable {
    /// The requested `PayloadType` (0 = `COMPRESSABLE`).
    public var responseType: Int32
    /// One entry per response message the server must send, in order.
    public var responseParameters: [ResponseParameters]
    /// An optional input payload; `nil` when the field is absent.
    public var payload: Payload?

    /// Creates a request.
    public init(responseType: Int32 = 0, responseParameters: [ResponseParameters] = [], payload: Payload? = nil) {
        self.responseType = responseType
        self.responseParameters = responseParameters
        self.payload = payload
    }

    /// Serializes the request the way protoc-generated code does (fields in number order,
    /// proto3 defaults omitted, an empty present `payload` written as an empty message).
    public func encoded() -> [UInt8] {
        var writer = ProtobufWriter(capacity: 16 + 8 * responseParameters.count + (payload?.body.count ?? 0))
        writer.appendInt32Field(1, responseType)
        for parameters in responseParameters {
            writer.appendMessageField(2) { parameters.encodeFields(into: &$0) }
        }
        if let payload {
            writer.appendMessageField(3) { payload.encodeFields(into: &$0) }
        }
        return writer.bytes
    }

    /// Serializes a request for responses of the given payload body sizes and intervals,
    /// carrying an input payload of `payloadSize` zero bytes (no payload field when 0).
    public static func encoded(params: [(size: Int32, intervalUs: Int32)], payloadSize: Int) -> [UInt8] {
        StreamingOutputCallRequest(
            responseParameters: params.map { ResponseParameters(size: $0.size, intervalUs: $0.intervalUs) },
            payload: payloadSize > 0 ? Payload(body: [UInt8](repeating: 0, count: payloadSize)) : nil
        ).encoded()
    }

    /// Decodes a request (server side), skipping unknown fields of any wire type.
    ///
    /// - Throws: ``GRPCWireError`` when the input is truncated or malformed.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) -> StreamingOutputCallRequest {
        var result = StreamingOutputCallRequest()
        var reader = ProtobufReader(bytes)
        while let (field, wireType) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wireType, is: .varint, field: field)
                result.responseType = try reader.readInt32()
            case 2:
                try reader.expect(wireType, is: .lengthDelimited, field: field)
                result.responseParameters.append(try ResponseParameters.decode(try reader.readLengthDelimited()))
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

/// Serializes a `grpc.testing.StreamingOutputCallRequest` asking for one response per
/// entry of `params` (payload **body** size and interval in µs), with an input payload of
/// `payloadSize` zero bytes. Same as ``StreamingOutputCallRequest/encoded(params:payloadSize:)``.
public func encodeStreamingOutputCallRequest(params: [(size: Int32, intervalUs: Int32)], payloadSize: Int) -> [UInt8] {
    StreamingOutputCallRequest.encoded(params: params, payloadSize: payloadSize)
}
