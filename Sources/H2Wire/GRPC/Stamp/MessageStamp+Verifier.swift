import CLinux

extension MessageStamp {
    /// What checking one payload body against its stamp found.
    public enum Check: Equatable, Sendable {
        /// Stamp checking was not asked for.
        case notChecked
        /// The message is not a payload-only response (or is compressed), so no body was located.
        case unrecognizedLayout
        /// The body is shorter than 32 bytes and carries no stamp; only its size can be checked.
        case unstamped(bodyLength: Int)
        /// The body is at least 32 bytes but does not start with the magic.
        case badMagic
        /// The stamp's body length differs from the number of body bytes that arrived.
        case lengthMismatch(stamp: MessageStamp, actualBodyLength: Int)
        /// The checksum of the bytes that arrived differs from the stamp's.
        case checksumMismatch(stamp: MessageStamp, computed: UInt64)
        /// Stamp present, length and checksum match.
        case valid(MessageStamp)
        /// Stamp present and length matches; the body was not summed (``ChecksumSampling``
        /// left this message out), so a changed byte after the stamp would go unseen.
        case validUnsummed(MessageStamp)

        /// The stamp of a body that passed every check asked for (``valid`` or ``validUnsummed``).
        public var intactStamp: MessageStamp? {
            switch self {
            case let .valid(stamp), let .validUnsummed(stamp): return stamp
            default: return nil
            }
        }

        /// The stamp, when one was read (valid or not).
        public var stamp: MessageStamp? {
            switch self {
            case let .valid(stamp), let .validUnsummed(stamp), let .lengthMismatch(stamp, _), let .checksumMismatch(stamp, _):
                return stamp
            default: return nil
            }
        }
    }

    /// An incremental checksum over one payload body, fed in arbitrary chunks (for example
    /// as DATA frames arrive), that reads the stamp on the way and tells at the end whether
    /// the body matches it.
    ///
    /// Feed it the body from its first byte (the stamp) to its last. No allocation. Made with
    /// `summing: false` it reads only the stamp and counts the rest (O(1) per chunk).
    ///
    /// Threading: a value owned by whoever feeds it; not shared.
    public struct Verifier {
        /// Body bytes fed so far.
        public private(set) var bytesSeen: Int = 0
        /// Sum of the complete words so far, excluding the checksum word.
        var sum: UInt64 = 0
        /// The bytes of the incomplete word at the end, little-endian, zero above them.
        var partial: UInt64 = 0
        /// The first four words (the stamp), filled as they arrive.
        var stampWords: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        /// Whether every body byte is summed (false: stamp and length only).
        public let summing: Bool

        /// Creates a verifier for a new body; `summing: false` skips the checksum.
        public init(summing: Bool = true) { self.summing = summing }

        /// Feeds the next bytes of the body.
        @inline(__always)
        public mutating func update(_ chunk: UnsafeRawBufferPointer) {
            if !summing && bytesSeen >= MessageStamp.length {
                // Past the stamp of an unsummed body: count only (the sum is not used by
                // `finish`). Inlined into the reader so most chunks cost no call at all.
                bytesSeen += chunk.count
                return
            }
            consume(chunk)
        }

        /// The stamp words, then the sum (``update(_:)`` past the stamp of a summed body).
        @inline(never)
        private mutating func consume(_ chunk: UnsafeRawBufferPointer) {
            guard var p = chunk.baseAddress, chunk.count > 0 else { return }
            var n = chunk.count
            // Finish an incomplete word byte by byte.
            while n > 0 && bytesSeen & 7 != 0 {
                partial |= UInt64(p.load(as: UInt8.self)) << UInt64(8 * (bytesSeen & 7))
                bytesSeen += 1; p += 1; n -= 1
                if bytesSeen & 7 == 0 { completeWord(partial, at: bytesSeen - 8); partial = 0 }
            }
            // Stamp words one by one (they are stored and the checksum word is skipped).
            while n >= 8 && bytesSeen < MessageStamp.length {
                completeWord(UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)), at: bytesSeen)
                bytesSeen += 8; p += 8; n -= 8
            }
            if !summing && bytesSeen >= MessageStamp.length {
                bytesSeen += n  // the rest of an unsummed body, as above
                return
            }
            // Bulk: a plain wrapping sum, in C so it runs as AVX2 where the CPU has it (wordsum.c).
            if n >= 8 {
                let words = n / 8
                sum &+= CLinux_sum_le64(p, words)
                bytesSeen += 8 * words; p += 8 * words; n -= 8 * words
            }
            // Tail into the incomplete word.
            while n > 0 {
                partial |= UInt64(p.load(as: UInt8.self)) << UInt64(8 * (bytesSeen & 7))
                bytesSeen += 1; p += 1; n -= 1
            }
        }

        private mutating func completeWord(_ word: UInt64, at offset: Int) {
            switch offset {
            case 0: stampWords.0 = word
            case 8: stampWords.1 = word
            case 16: stampWords.2 = word
            case 24: stampWords.3 = word; return  // the checksum word is not summed
            default: break
            }
            sum &+= word
        }

        /// The checksum of the bytes fed so far, as if they were the whole body.
        public var computedChecksum: UInt64 {
            var total = sum
            if bytesSeen & 7 != 0 {
                // An incomplete word at offsets 24..<32 is the (short) checksum field itself.
                if bytesSeen - (bytesSeen & 7) != 24 { total &+= partial }
            }
            return MessageStamp.finalize(sum: total, length: bytesSeen)
        }

        /// The stamp, once its 32 bytes have been fed and if the magic matches.
        public var stamp: MessageStamp? {
            bytesSeen >= MessageStamp.length ? MessageStamp(words: stampWords) : nil
        }

        /// The verdict for the body fed so far, taken as complete.
        public func finish() -> Check {
            guard bytesSeen >= MessageStamp.length else { return .unstamped(bodyLength: bytesSeen) }
            guard let stamp else { return .badMagic }
            guard Int(stamp.bodyLength) == bytesSeen else {
                return .lengthMismatch(stamp: stamp, actualBodyLength: bytesSeen)
            }
            guard summing else { return .validUnsummed(stamp) }
            let computed = computedChecksum
            guard computed == stamp.checksum else { return .checksumMismatch(stamp: stamp, computed: computed) }
            return .valid(stamp)
        }
    }
}
