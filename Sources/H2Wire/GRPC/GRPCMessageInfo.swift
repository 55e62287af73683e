/// What ``GRPCMessageReader`` reports for each completed gRPC message: its flag and length,
/// the payload body a protobuf decoder finds in it, a copy of its first bytes, and (when
/// asked) the result of checking its body stamp.
///
/// The prefix copy lives inline (no heap allocation per message). 64 bytes hold the
/// response protobuf header (at most 12 bytes) and the 32-byte ``MessageStamp``.
public struct GRPCMessageInfo {
    /// How many leading payload bytes are kept.
    public static let prefixCapacity = 64

    /// Index of this message in the stream (0 for the first message fed to the reader).
    public internal(set) var index: Int = 0
    /// The compressed flag of the gRPC prefix (byte 0 ≠ 0).
    public internal(set) var compressed: Bool = false
    /// The payload length announced by the gRPC prefix (the serialized protobuf message,
    /// not counting the 5-byte prefix).
    public internal(set) var length: Int = 0
    /// The payload body length a protobuf decoder finds in the message
    /// (``PayloadBodyDecoder``): 0 when the message has no body (or is compressed).
    public internal(set) var bodyLength: Int = 0
    /// Why the message is not a valid encoding of a payload response; nil when it decoded
    /// (compressed messages are not decoded: nil).
    public internal(set) var decodeError: PayloadBodyDecoder.DecodeError? = nil
    /// Where the payload body lies in the message, when a body field was decoded.
    public internal(set) var bodyRange: Range<Int>? = nil
    /// The stamp check of the body; ``MessageStamp/Check/notChecked`` unless the reader
    /// was created with `checksStamps: true`.
    public internal(set) var stampCheck: MessageStamp.Check = .notChecked
    /// The first ``prefixCount`` payload bytes.
    var prefixStorage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Number of valid bytes in the prefix copy: `min(length, 64)`.
    public var prefixCount: Int { min(length, Self.prefixCapacity) }

    /// Calls `body` with the first ``prefixCount`` payload bytes.
    public func withPrefixBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var storage = prefixStorage
        let count = prefixCount
        return try withUnsafeBytes(of: &storage) { (raw) throws(E) -> R in
            try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }

    /// The stamp read from the body's first 32 bytes, when the body lies inside the prefix
    /// copy and starts with the magic (checksum not verified; see ``stampCheck``).
    public var stamp: MessageStamp? {
        guard let bodyRange, bodyRange.count >= MessageStamp.length,
              bodyRange.lowerBound + MessageStamp.length <= prefixCount else { return nil }
        return withPrefixBytes { MessageStamp.read(from: UnsafeRawBufferPointer(rebasing: $0[bodyRange.lowerBound...])) }
    }
}
