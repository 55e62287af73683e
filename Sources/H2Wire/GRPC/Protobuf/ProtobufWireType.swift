/// The protobuf wire types (the low 3 bits of every field tag).
public enum ProtobufWireType: Int, Sendable {
    /// int32, int64, uint32, uint64, sint32, sint64, bool, enum.
    case varint = 0
    /// fixed64, sfixed64, double.
    case fixed64 = 1
    /// string, bytes, embedded messages, packed repeated fields.
    case lengthDelimited = 2
    /// Start of a (deprecated) group.
    case startGroup = 3
    /// End of a (deprecated) group.
    case endGroup = 4
    /// fixed32, sfixed32, float.
    case fixed32 = 5

    /// The tag value for field `number` with this wire type: `(number << 3) | wireType`.
    @inlinable
    public func tag(field number: Int) -> UInt64 {
        (UInt64(number) << 3) | UInt64(rawValue)
    }
}
