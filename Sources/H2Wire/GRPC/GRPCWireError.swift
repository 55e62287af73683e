/// An error found while reading gRPC message framing or decoding a protobuf message of
/// the `grpc.testing` service.
///
/// Every case carries the offset (in bytes, from the start of the buffer or stream being
/// read) where the problem was found, so a report can say exactly where the bytes went wrong.
public enum GRPCWireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A gRPC length prefix announced a message longer than the reader's limit.
    case messageTooLarge(length: Int, limit: Int)
    /// The protobuf input ended inside a field (tag, varint, length-delimited body or fixed value).
    case truncated(offset: Int)
    /// A varint ran over 10 bytes, the most a 64-bit value needs.
    case malformedVarint(offset: Int)
    /// A tag carried wire type 6 or 7, or field number 0.
    case invalidTag(offset: Int, tag: UInt64)
    /// A length-delimited field announced more bytes than the input holds, or more than `Int` can count.
    case invalidLength(offset: Int, length: UInt64)
    /// A group (wire types 3/4) was not closed by a matching end-group tag, or nested too deeply.
    case malformedGroup(offset: Int)
    /// A field the codec understands arrived with a wire type it cannot hold.
    case unexpectedWireType(offset: Int, field: Int, wireType: Int)

    /// A one-line explanation for logs and reports.
    public var description: String {
        switch self {
        case let .messageTooLarge(length, limit):
            return "gRPC message length \(length) exceeds the limit of \(limit) bytes"
        case let .truncated(offset):
            return "protobuf input ends inside a field at byte \(offset)"
        case let .malformedVarint(offset):
            return "protobuf varint longer than 10 bytes at byte \(offset)"
        case let .invalidTag(offset, tag):
            return "invalid protobuf tag \(tag) at byte \(offset)"
        case let .invalidLength(offset, length):
            return "protobuf length \(length) at byte \(offset) runs past the end of the input"
        case let .malformedGroup(offset):
            return "unterminated or too deeply nested protobuf group at byte \(offset)"
        case let .unexpectedWireType(offset, field, wireType):
            return "protobuf field \(field) has unexpected wire type \(wireType) at byte \(offset)"
        }
    }
}
