/// `grpc.testing.Payload`: a block of bytes used to size requests and responses.
///
/// Fields: `type = 1` (enum `PayloadType`, only `COMPRESSABLE = 0` exists), `body = 2` (bytes).
public struct Payload: Equatable, Sendable {
    /// The `PayloadType` enum value; 0 is `COMPRESSABLE`. Unknown values are kept as-is.
    public var type: Int32
    /// The payload bytes.
    public var body: [UInt8]

    /// Creates a payload.
    public init(type: Int32 = 0, body: [UInt8] = []) {
        self.type = type
        self.body = body
    }

    /// Appends this payload's fields (not a field tag for the payload itself) to `writer`.
    /// Default values are omitted, as proto3 does.
    public func encodeFields(into writer: inout ProtobufWriter) {
        writer.appendInt32Field(1, type)
        if !body.isEmpty { writer.appendBytesField(2, body) }
    }

    /// Decodes a `Payload` from its serialized bytes, skipping unknown fields.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) -> Payload {
        var payload = Payload()
        try payload.merge(bytes)
        return payload
    }

    /// Merges serialized fields into this payload (protobuf semantics: later scalars win).
    public mutating func merge(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) {
        var reader = ProtobufReader(bytes)
        while let (field, wireType) = try reader.readTag() {
            switch field {
            case 1:
                try reader.expect(wireType, is: .varint, field: field)
                type = try reader.readInt32()
            case 2:
                try reader.expect(wireType, is: .lengthDelimited, field: field)
                body = Array(try reader.readLengthDelimited())
            default:
                try reader.skipField(wireType, field: field)
            }
        }
    }
}

extension Optional where Wrapped == Payload {
    /// A message's `payload` field, seen once more while decoding: protobuf merges every
    /// occurrence of a message-typed field into one value (the first one starts from empty).
    mutating func mergeField(_ bytes: UnsafeRawBufferPointer) throws(GRPCWireError) {
        var payload = self ?? Payload()
        try payload.merge(bytes)
        self = payload
    }
}
