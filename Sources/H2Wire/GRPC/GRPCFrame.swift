/// The gRPC length-prefixed message framing (the body of an HTTP/2 gRPC stream).
///
/// Each message on the wire is a 5-byte prefix followed by the payload:
///
/// | bytes | meaning |
/// |---|---|
/// | 0 | compressed flag: 0 = payload is not compressed, 1 = compressed with the stream's `grpc-encoding` |
/// | 1–4 | payload length, unsigned 32-bit big-endian |
/// | 5… | payload (here: a serialized protobuf message) |
///
/// This type only writes frames; reading a stream of frames is ``GRPCMessageReader``'s job.
public enum GRPCFrame {
    /// Length of the prefix in front of every message, in bytes.
    public static let prefixLength = 5

    /// The largest payload length the 32-bit length field can carry.
    public static let maxEncodableLength = Int(UInt32.max)

    /// Writes the 5-byte prefix for a payload of `payloadLength` bytes at `destination`.
    ///
    /// - Precondition: `0 <= payloadLength <= maxEncodableLength`; `destination` has room for 5 bytes.
    /// - Returns: the number of bytes written (always ``prefixLength``).
    @inlinable
    @discardableResult
    public static func writePrefix(
        payloadLength: Int, compressed: Bool = false, to destination: UnsafeMutableRawPointer
    ) -> Int {
        precondition(payloadLength >= 0 && payloadLength <= maxEncodableLength,
                     "BUG DETECTED: gRPC payload length \(payloadLength) does not fit the 32-bit prefix")
        destination.storeBytes(of: compressed ? 1 : 0, as: UInt8.self)
        destination.storeBytes(of: UInt32(payloadLength).bigEndian, toByteOffset: 1, as: UInt32.self)
        return prefixLength
    }

    /// Writes the prefix for a payload of `payloadLength` bytes at the start of `destination`.
    ///
    /// - Precondition: `destination.count >= 5`.
    /// - Returns: the number of bytes written (always ``prefixLength``).
    @inlinable
    @discardableResult
    public static func writePrefix(
        payloadLength: Int, compressed: Bool = false, into destination: UnsafeMutableRawBufferPointer
    ) -> Int {
        precondition(destination.count >= prefixLength, "BUG DETECTED: no room for a gRPC prefix")
        return writePrefix(payloadLength: payloadLength, compressed: compressed, to: destination.baseAddress!)
    }

    /// Writes a whole frame (prefix, then `payload`) at the start of `destination`.
    ///
    /// - Precondition: `destination.count >= 5 + payload.count`.
    /// - Returns: the number of bytes written.
    @discardableResult
    public static func encode(
        _ payload: UnsafeRawBufferPointer, compressed: Bool = false, into destination: UnsafeMutableRawBufferPointer
    ) -> Int {
        let total = prefixLength + payload.count
        precondition(destination.count >= total, "BUG DETECTED: destination too small for the gRPC frame")
        writePrefix(payloadLength: payload.count, compressed: compressed, to: destination.baseAddress!)
        if payload.count > 0 {
            (destination.baseAddress! + prefixLength).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        }
        return total
    }

    /// Appends a whole frame (prefix, then `payload`) to `output`.
    public static func append(_ payload: some Collection<UInt8>, compressed: Bool = false, to output: inout [UInt8]) {
        let length = payload.count
        precondition(length <= maxEncodableLength, "BUG DETECTED: gRPC payload too large for the 32-bit prefix")
        output.reserveCapacity(output.count + prefixLength + length)
        output.append(compressed ? 1 : 0)
        output.append(UInt8(truncatingIfNeeded: length >> 24))
        output.append(UInt8(truncatingIfNeeded: length >> 16))
        output.append(UInt8(truncatingIfNeeded: length >> 8))
        output.append(UInt8(truncatingIfNeeded: length))
        output.append(contentsOf: payload)
    }
}
