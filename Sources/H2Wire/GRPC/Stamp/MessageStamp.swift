/// The 32-byte header the embedded server writes at the start of a response's payload body
/// when the request asks for it, so the driver can check order and integrity and measure
/// one-way delivery latency on the same host.
///
/// ## Body layout (all integers little-endian)
///
/// | body offset | size | field |
/// |---|---|---|
/// | 0  | 4 | magic, the ASCII bytes `H2SS` (``magic``) |
/// | 4  | 4 | HTTP/2 stream id (as seen by the server) |
/// | 8  | 4 | message index in the stream, from 0 |
/// | 12 | 4 | body length in bytes (the whole body, stamp included) |
/// | 16 | 8 | send time, `CLOCK_REALTIME` nanoseconds |
/// | 24 | 8 | checksum, see below |
/// | 32 | … | pattern: the 8 bytes of ``patternWord(streamID:index:)`` repeated |
///
/// The body sits inside the protobuf message after the `StreamingOutputCallResponse`
/// field-1 tag and length and the `Payload` field-2 tag and length, that is at
/// ``PayloadResponseLayout/headerLength(bodySize:)`` bytes into the gRPC message (at most
/// 12). So the 64 first message bytes ``GRPCMessageInfo`` keeps always hold the whole stamp.
///
/// ## Checksum
///
/// Split the body into 8-byte little-endian words at body offsets 0, 8, 16, …, the last
/// one zero-padded if the length is not a multiple of 8. Add all words except the one at
/// offset 24 (the checksum itself) with 64-bit wraparound, add `length × 0x9E3779B97F4A7C15`,
/// and pass the sum through the MurmurHash3 64-bit finalizer. It covers the stamp fields and
/// the pattern; any single changed byte changes the sum, a missing or extra tail changes the
/// length term. It is a transport check, not a cryptographic one (reordered words are not
/// detected). Cost: one add per 8 bytes, memory-bandwidth bound in release builds.
///
/// ## Short bodies
///
/// Bodies shorter than 32 bytes cannot carry a stamp: they hold only the pattern (from body
/// offset 0) and can only be checked by size.
public struct MessageStamp: Equatable, Sendable {
    /// The magic value: the bytes `H2SS` read as a little-endian `UInt32`.
    public static let magic: UInt32 = 0x5353_3248
    /// Size of the stamp at the start of the body, in bytes.
    public static let length = 32
    /// Multiplier of the length term in the checksum (the 64-bit golden ratio).
    static let lengthMix: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// HTTP/2 stream id of the response stream, as the server saw it.
    public var streamID: UInt32
    /// Index of the message in its stream, from 0.
    public var index: UInt32
    /// Length of the whole payload body in bytes, stamp included.
    public var bodyLength: UInt32
    /// When the server produced the message, `CLOCK_REALTIME` nanoseconds.
    public var sendTimeNs: UInt64
    /// The checksum of the body as the server wrote it.
    public var checksum: UInt64

    /// Creates a stamp value.
    public init(streamID: UInt32, index: UInt32, bodyLength: UInt32, sendTimeNs: UInt64, checksum: UInt64) {
        self.streamID = streamID
        self.index = index
        self.bodyLength = bodyLength
        self.sendTimeNs = sendTimeNs
        self.checksum = checksum
    }

    /// The 8-byte word the body pattern repeats for message `index` of stream `streamID`
    /// (SplitMix64 of `streamID << 32 | index`). Body byte at offset `o ≥ 32` (or any `o`
    /// for an unstamped body) is byte `o % 8` of this word in little-endian order.
    @inlinable
    public static func patternWord(streamID: UInt32, index: UInt32) -> UInt64 {
        splitMix(UInt64(streamID) << 32 | UInt64(index))
    }

    /// SplitMix64 of `x`: adds the golden-ratio increment and mixes (a bijection on 64 bits).
    @inlinable
    public static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The final mix of the checksum (MurmurHash3 `fmix64`).
    @inlinable
    static func finalize(sum: UInt64, length: Int) -> UInt64 {
        var h = sum &+ UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The four little-endian words of the stamp as laid out in the body.
    var words: (UInt64, UInt64, UInt64, UInt64) {
        (UInt64(Self.magic) | UInt64(streamID) << 32,
         UInt64(index) | UInt64(bodyLength) << 32,
         sendTimeNs,
         checksum)
    }

    /// Parses a stamp from the first 32 bytes of a payload body.
    ///
    /// - Returns: `nil` when `body` holds fewer than 32 bytes or the magic does not match.
    ///   The checksum is not verified here; use ``Verifier`` for that.
    public static func read(from body: UnsafeRawBufferPointer) -> MessageStamp? {
        guard body.count >= length else { return nil }
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: body.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        return MessageStamp(words: (word(0), word(8), word(16), word(24)))
    }

    /// Builds a stamp from its four body words, or `nil` if the magic is wrong.
    init?(words: (UInt64, UInt64, UInt64, UInt64)) {
        guard UInt32(truncatingIfNeeded: words.0) == Self.magic else { return nil }
        self.init(streamID: UInt32(truncatingIfNeeded: words.0 >> 32),
                  index: UInt32(truncatingIfNeeded: words.1),
                  bodyLength: UInt32(truncatingIfNeeded: words.1 >> 32),
                  sendTimeNs: words.2,
                  checksum: words.3)
    }

    /// The checksum of a complete body (one shot; ``Verifier`` is the incremental form).
    public static func checksum(ofBody body: UnsafeRawBufferPointer) -> UInt64 {
        var verifier = Verifier()
        verifier.update(body)
        return verifier.computedChecksum
    }

    /// The stamp the writer puts in a body of `bodyLength` (≥ 32) bytes, with its checksum
    /// computed in O(1) from the pattern (no pass over the body).
    public static func expected(streamID: UInt32, index: UInt32, bodyLength: Int, sendTimeNs: UInt64) -> MessageStamp {
        precondition(bodyLength >= length && bodyLength <= Int(UInt32.max),
                     "BUG DETECTED: stamped body length \(bodyLength) outside 32...UInt32.max")
        var stamp = MessageStamp(streamID: streamID, index: index, bodyLength: UInt32(bodyLength),
                                 sendTimeNs: sendTimeNs, checksum: 0)
        let word = patternWord(streamID: streamID, index: index)
        let patternBytes = bodyLength - length
        let tailBytes = patternBytes & 7
        let tailWord = tailBytes == 0 ? 0 : word & ((1 << UInt64(8 * tailBytes)) - 1)
        let w = stamp.words
        let sum = w.0 &+ w.1 &+ w.2 &+ UInt64(patternBytes / 8) &* word &+ tailWord
        stamp.checksum = finalize(sum: sum, length: bodyLength)
        return stamp
    }

    /// Writes a whole payload body of `bodyLength` bytes at the start of `body`: the stamp
    /// (with its checksum), then the pattern. Bodies under 32 bytes get the pattern only.
    ///
    /// - Precondition: `body.count >= bodyLength`, `bodyLength <= UInt32.max`.
    /// - Returns: the stamp written, or `nil` for an unstamped (short) body.
    @discardableResult
    public static func write(
        into body: UnsafeMutableRawBufferPointer, streamID: UInt32, index: UInt32, bodyLength: Int, sendTimeNs: UInt64
    ) -> MessageStamp? {
        precondition(bodyLength >= 0 && body.count >= bodyLength, "BUG DETECTED: body buffer smaller than \(bodyLength)")
        return writeSlice(into: UnsafeMutableRawBufferPointer(rebasing: body[0..<bodyLength]), bodyOffset: 0,
                          streamID: streamID, index: index, bodyLength: bodyLength, sendTimeNs: sendTimeNs)
    }

    /// Writes body bytes `bodyOffset ..< bodyOffset + destination.count` of the body that
    /// ``write(into:streamID:index:bodyLength:sendTimeNs:)`` would write, so a server can
    /// produce a large body piece by piece (for example in an HTTP/2 data read callback)
    /// without a body-sized buffer. Pass the same `sendTimeNs` for every piece.
    ///
    /// - Precondition: the range lies inside `0 ..< bodyLength`.
    /// - Returns: the stamp of this body, or `nil` for an unstamped (short) body.
    @discardableResult
    public static func writeSlice(
        into destination: UnsafeMutableRawBufferPointer, bodyOffset: Int,
        streamID: UInt32, index: UInt32, bodyLength: Int, sendTimeNs: UInt64
    ) -> MessageStamp? {
        precondition(bodyOffset >= 0 && bodyOffset + destination.count <= bodyLength,
                     "BUG DETECTED: body slice \(bodyOffset)+\(destination.count) outside body of \(bodyLength)")
        guard let base = destination.baseAddress, destination.count > 0 else {
            return bodyLength >= length
                ? expected(streamID: streamID, index: index, bodyLength: bodyLength, sendTimeNs: sendTimeNs) : nil
        }
        let word = patternWord(streamID: streamID, index: index)
        guard bodyLength >= length else {
            fillPattern(base, count: destination.count, phase: bodyOffset, word: word)
            return nil
        }
        let stamp = expected(streamID: streamID, index: index, bodyLength: bodyLength, sendTimeNs: sendTimeNs)
        var written = 0
        if bodyOffset < length {
            var stampWords = stamp.words
            stampWords = (stampWords.0.littleEndian, stampWords.1.littleEndian,
                          stampWords.2.littleEndian, stampWords.3.littleEndian)
            written = min(length - bodyOffset, destination.count)
            withUnsafeBytes(of: &stampWords) { raw in
                base.copyMemory(from: raw.baseAddress! + bodyOffset, byteCount: written)
            }
        }
        if written < destination.count {
            fillPattern(base + written, count: destination.count - written, phase: bodyOffset + written, word: word)
        }
        return stamp
    }

    /// Fills `count` bytes with the pattern `word`, starting at pattern byte `phase % 8`.
    @inlinable
    static func fillPattern(_ destination: UnsafeMutableRawPointer, count: Int, phase: Int, word: UInt64) {
        let shift = UInt64(8 * (phase & 7))
        // Rotate so the first stored byte is byte `phase % 8` of the little-endian word.
        let rotated = shift == 0 ? word : (word >> shift) | (word << (64 - shift))
        let stored = rotated.littleEndian
        // One word, then copies of what is already written (8, 16, … up to 4 KiB at a time):
        // memcpy speed, about 3× the word-by-word loop on the embedded server's send path.
        let whole = count & ~7
        var offset = 0
        if whole > 0 {
            destination.storeBytes(of: stored, toByteOffset: 0, as: UInt64.self)
            offset = 8
            while offset < whole {
                let n = min(offset, 4096, whole - offset)
                (destination + offset).copyMemory(from: destination, byteCount: n)
                offset += n
            }
        }
        var rest = rotated
        while offset < count {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: rest), toByteOffset: offset, as: UInt8.self)
            rest >>= 8
            offset += 1
        }
    }
}
