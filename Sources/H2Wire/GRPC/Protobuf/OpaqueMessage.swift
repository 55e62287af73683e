/// A request message of a chosen length for a service whose schema h2stress does not know:
/// one length-delimited field with the highest legal field number (2²⁹ − 1), filled with `x`.
///
/// Every protobuf runtime skips an unknown field (proto2 and proto3 keep it as unknown), so the
/// server sees its request type's default message, and the request still carries the chosen
/// number of bytes. The shortest such message is 6 bytes (5-byte tag, 1-byte length); a length
/// of 0 is the empty message.
public enum OpaqueMessage {
    /// The field number used: the largest a `.proto` file can declare, so it collides with no
    /// ordinary schema.
    public static let fieldNumber: UInt64 = (1 << 29) - 1
    /// Bytes of the field's tag (field number and wire type 2).
    static let tagLength = ProtobufWriter.varintLength(fieldNumber << 3 | 2)
    /// The shortest non-empty filler message.
    public static let minimumFillerLength = tagLength + 1

    /// A valid protobuf message of exactly `length` bytes; `nil` for 1…5, which no such
    /// message can have. Where the length prefix's own size leaves a gap (134 bytes: a 128-byte
    /// payload needs a 2-byte length), an empty field of 6 bytes goes first.
    public static func filler(length: Int) -> [UInt8]? {
        if length == 0 { return [] }
        guard length >= minimumFillerLength else { return nil }
        var writer = ProtobufWriter(capacity: length)
        if let payload = payloadLength(total: length) {
            writer.appendRepeatedByteField(Int(fieldNumber), count: payload, byte: 0x78)
        } else {
            writer.appendRepeatedByteField(Int(fieldNumber), count: 0, byte: 0x78)
            guard let payload = payloadLength(total: length - minimumFillerLength) else { return nil }
            writer.appendRepeatedByteField(Int(fieldNumber), count: payload, byte: 0x78)
        }
        return writer.bytes
    }

    /// The payload length of one field whose encoding takes exactly `total` bytes, if any.
    private static func payloadLength(total: Int) -> Int? {
        for lengthBytes in 1...10 {
            let payload = total - tagLength - lengthBytes
            guard payload >= 0 else { return nil }
            if ProtobufWriter.varintLength(UInt64(payload)) == lengthBytes { return payload }
        }
        return nil
    }
}
