/// Hand-written protobuf encoding: varints, tags and length-delimited fields.
///
/// Two styles: static functions that write at a raw pointer (for the embedded server's hot
/// path, no allocation), and a growable `bytes` array for messages built once per stream
/// (requests). Values equal to the proto3 default are the caller's business: the message
/// types in this module omit them, as protoc-generated code does.
public struct ProtobufWriter {
    /// The encoded bytes so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty writer, optionally reserving `capacity` bytes.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Number of bytes the varint encoding of `value` takes (1…10).
    @inlinable
    public static func varintLength(_ value: UInt64) -> Int {
        // Each byte carries 7 bits; value 0 still takes one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }

    /// Writes `value` as a varint at `destination` and returns the number of bytes written.
    ///
    /// - Precondition: `destination` has room for ``varintLength(_:)`` bytes.
    @inlinable
    @discardableResult
    public static func writeVarint(_ value: UInt64, to destination: UnsafeMutableRawPointer) -> Int {
        var v = value
        var i = 0
        while v >= 0x80 {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: i, as: UInt8.self)
            v >>= 7
            i += 1
        }
        destination.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: i, as: UInt8.self)
        return i + 1
    }

    /// The varint value protobuf uses for an `int32`/enum: negative values are sign-extended
    /// to 64 bits (and so take 10 bytes), as the protobuf specification requires.
    @inlinable
    public static func int32VarintValue(_ value: Int32) -> UInt64 {
        UInt64(bitPattern: Int64(value))
    }

    /// Appends `value` as a varint.
    public mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    /// Appends the tag of field `number` with `wireType`.
    public mutating func appendTag(field number: Int, _ wireType: ProtobufWireType) {
        appendVarint(wireType.tag(field: number))
    }

    /// Appends an `int32` (or enum) field; nothing is written for 0 (the proto3 default).
    public mutating func appendInt32Field(_ number: Int, _ value: Int32) {
        guard value != 0 else { return }
        appendTag(field: number, .varint)
        appendVarint(Self.int32VarintValue(value))
    }

    /// Appends a length-delimited field whose body is `count` copies of `byte`.
    public mutating func appendRepeatedByteField(_ number: Int, count: Int, byte: UInt8) {
        appendTag(field: number, .lengthDelimited)
        appendVarint(UInt64(count))
        bytes.append(contentsOf: repeatElement(byte, count: count))
    }

    /// Appends a length-delimited field with the given body.
    public mutating func appendBytesField(_ number: Int, _ body: some Collection<UInt8>) {
        appendTag(field: number, .lengthDelimited)
        appendVarint(UInt64(body.count))
        bytes.append(contentsOf: body)
    }

    /// Appends an embedded message field: the tag, the length of `build`'s output, then that output.
    public mutating func appendMessageField(_ number: Int, _ build: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        build(&inner)
        appendBytesField(number, inner.bytes)
    }
}
