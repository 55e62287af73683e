/// Unsigned LEB128 variable-length integers (7 bits per byte, low group first, high bit = more follows),
/// the byte form inside ``LatencyHistogram/encoded()``.
enum VarInt {
    /// Appends `value` in 1…10 bytes.
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    /// Reads one value starting at `offset` and advances it; `nil` when the bytes end early or the value
    /// does not fit in 64 bits.
    static func read(_ bytes: [UInt8], at offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            let group = UInt64(byte & 0x7F)
            guard shift < 64, shift < 63 || group <= 1 else { return nil }
            value |= group << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
