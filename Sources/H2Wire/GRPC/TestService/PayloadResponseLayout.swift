/// The wire layout of a `StreamingOutputCallResponse` or `SimpleResponse` that carries only a
/// payload of type `COMPRESSABLE` (0) — which is every response the embedded server sends.
///
/// For a payload body of N > 0 bytes the message is:
///
/// ```
/// 0x0A  varint(L)      field 1 (payload), length-delimited, L = 1 + varintLength(N) + N
/// 0x12  varint(N)      Payload field 2 (body), length-delimited
/// body  N bytes        ← the payload body starts here, at headerLength(bodySize: N)
/// ```
///
/// For N = 0 the message is `0x0A 0x00` (a present, empty payload), as protoc-generated
/// code writes it. So the encoded message is ``headerLength(bodySize:)`` bytes longer than
/// the body — 4 bytes for bodies up to 125 bytes, 6 up to 16 380, 8 up to ~2 MiB — and the
/// gRPC frame adds ``GRPCFrame/prefixLength`` more.
///
/// Reading goes through ``PayloadBodyDecoder``, which accepts every valid encoding, not only
/// this one. The writer is for the embedded server's hot path: no allocation, the caller writes the
/// body (for example with ``MessageStamp/write(into:streamID:index:bodyLength:sendTimeNs:)``)
/// right after the header.
public enum PayloadResponseLayout {
    /// The longest header ``writeHeader(bodySize:to:)`` can produce (bodies up to `Int32.max`).
    public static let maxHeaderLength = 12

    /// Bytes in front of the payload body (protobuf tags and lengths).
    ///
    /// - Precondition: `bodySize >= 0`.
    @inlinable
    public static func headerLength(bodySize: Int) -> Int {
        precondition(bodySize >= 0, "BUG DETECTED: negative payload body size \(bodySize)")
        if bodySize == 0 { return 2 }
        let bodyField = 1 + ProtobufWriter.varintLength(UInt64(bodySize))
        return 1 + ProtobufWriter.varintLength(UInt64(bodyField + bodySize)) + bodyField
    }

    /// Length of the whole encoded message (header plus body) for a body of `bodySize` bytes.
    /// This is the gRPC message length the server announces in the 5-byte prefix.
    @inlinable
    public static func encodedLength(bodySize: Int) -> Int {
        headerLength(bodySize: bodySize) + bodySize
    }

    /// Writes the header for a body of `bodySize` bytes at `destination`.
    ///
    /// - Precondition: `destination` has room for ``headerLength(bodySize:)`` bytes.
    /// - Returns: the number of bytes written, equal to ``headerLength(bodySize:)``.
    @inlinable
    @discardableResult
    public static func writeHeader(bodySize: Int, to destination: UnsafeMutableRawPointer) -> Int {
        precondition(bodySize >= 0, "BUG DETECTED: negative payload body size \(bodySize)")
        destination.storeBytes(of: 0x0A, as: UInt8.self)
        if bodySize == 0 {
            destination.storeBytes(of: 0, toByteOffset: 1, as: UInt8.self)
            return 2
        }
        let size = UInt64(bodySize)
        let payloadLength = UInt64(1 + ProtobufWriter.varintLength(size)) + size
        var offset = 1 + ProtobufWriter.writeVarint(payloadLength, to: destination + 1)
        destination.storeBytes(of: 0x12, toByteOffset: offset, as: UInt8.self)
        offset += 1
        offset += ProtobufWriter.writeVarint(size, to: destination + offset)
        return offset
    }
}
