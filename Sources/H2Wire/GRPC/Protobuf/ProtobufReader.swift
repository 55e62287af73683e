/// A cursor that decodes protobuf wire format from borrowed bytes.
///
/// It never copies: length-delimited fields come back as slices of the input. Decoding is
/// tolerant the way protobuf requires: callers skip unknown fields with ``skipField(_:)``,
/// which handles every wire type including groups. Running out of input inside a field is
/// an error (``GRPCWireError/truncated(offset:)``).
///
/// Invariants: `0 <= offset <= buffer.count`. The buffer must outlive the reader.
public struct ProtobufReader {
    /// The bytes being decoded.
    public let buffer: UnsafeRawBufferPointer
    /// Offset of the next unread byte; also the base of error offsets.
    public private(set) var offset: Int
    /// Groups nested deeper than this are rejected as malformed (no recursion bomb).
    public static let maxGroupDepth = 32

    /// Creates a reader positioned at the start of `buffer`.
    public init(_ buffer: UnsafeRawBufferPointer) {
        self.buffer = buffer
        self.offset = 0
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= buffer.count }

    /// Reads a varint (up to 10 bytes).
    public mutating func readVarint() throws(GRPCWireError) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < buffer.count else { throw .truncated(offset: start) }
            let byte = buffer[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformedVarint(offset: start) }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint(offset: start) }
        }
    }

    /// Reads the next field tag, or returns `nil` at the end of the input.
    ///
    /// - Returns: the field number and wire type.
    public mutating func readTag() throws(GRPCWireError) -> (field: Int, wireType: ProtobufWireType)? {
        guard !isAtEnd else { return nil }
        let start = offset
        let tag = try readVarint()
        let number = tag >> 3
        guard number != 0, number <= UInt64(Int32.max) >> 2,
              let wireType = ProtobufWireType(rawValue: Int(tag & 7)) else {
            throw .invalidTag(offset: start, tag: tag)
        }
        return (Int(number), wireType)
    }

    /// Reads a length-delimited field's body (after its tag) as a slice of the input.
    public mutating func readLengthDelimited() throws(GRPCWireError) -> UnsafeRawBufferPointer {
        let start = offset
        let length = try readVarint()
        guard length <= UInt64(buffer.count - offset) else {
            throw .invalidLength(offset: start, length: length)
        }
        let body = UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + Int(length))])
        offset += Int(length)
        return body
    }

    /// Reads a varint field as an `int32`/enum (the low 32 bits, as protobuf specifies).
    public mutating func readInt32() throws(GRPCWireError) -> Int32 {
        Int32(truncatingIfNeeded: try readVarint())
    }

    /// Checks that a known field arrived with the wire type its declaration implies.
    public func expect(_ wireType: ProtobufWireType, is expected: ProtobufWireType, field: Int) throws(GRPCWireError) {
        guard wireType == expected else {
            throw .unexpectedWireType(offset: offset, field: field, wireType: wireType.rawValue)
        }
    }

    /// Skips the value of field `field` whose tag (with `wireType`) was just read.
    ///
    /// Groups are skipped whole; their end tag must name the same field number.
    public mutating func skipField(_ wireType: ProtobufWireType, field: Int) throws(GRPCWireError) {
        try skipField(wireType, field: field, depth: 0)
    }

    private mutating func skipFixed(_ count: Int) throws(GRPCWireError) {
        guard buffer.count - offset >= count else { throw .truncated(offset: offset) }
        offset += count
    }

    private mutating func skipField(_ wireType: ProtobufWireType, field: Int, depth: Int) throws(GRPCWireError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: try skipFixed(8)
        case .fixed32: try skipFixed(4)
        case .lengthDelimited: _ = try readLengthDelimited()
        case .endGroup:
            // An end-group tag outside of the group it closes.
            throw .malformedGroup(offset: offset)
        case .startGroup:
            let start = offset
            guard depth < Self.maxGroupDepth else { throw .malformedGroup(offset: start) }
            while true {
                guard let (inner, innerType) = try readTag() else { throw .malformedGroup(offset: start) }
                if innerType == .endGroup {
                    if inner == field { return }
                    throw .malformedGroup(offset: offset)
                }
                try skipField(innerType, field: inner, depth: depth + 1)
            }
        }
    }
}
