/// A streaming reader of gRPC length-prefixed messages, fed the DATA of one HTTP/2 stream in
/// chunks split anywhere (inside the 5-byte prefix included).
///
/// For each completed message it calls back with a ``GRPCMessageInfo``: compressed flag,
/// length, the payload body length a protobuf decoder finds (``PayloadBodyDecoder``: any valid
/// encoding, whoever wrote it), a copy of the first 64 payload bytes and, with `checksStamps`,
/// the verdict of the body's ``MessageStamp`` (checksummed across chunks by
/// ``MessageStamp/Verifier``, the whole body or only the stamp as ``ChecksumSampling`` picks).
/// At the end of the stream, ``midMessage`` tells whether a message
/// was cut short.
///
/// No allocation per chunk or per message: the message info is stored inline and the
/// callback is non-escaping.
///
/// Threading: a value owned by the stream that feeds it; not shared between threads.
///
/// Invariants: `prefixBytes` is 0…5; payload bytes are only counted once the prefix is
/// complete; after a framing error every further `feed` throws the same error.
public struct GRPCMessageReader {
    /// Default limit on the announced message length: 64 MiB.
    public static let defaultMaxMessageLength = 64 << 20

    /// Messages announcing a longer payload are a framing error.
    public let maxMessageLength: Int
    /// Whether bodies are located and checked against their stamp.
    public private(set) var checksStamps: Bool
    /// Whether messages are decoded as payload responses at all (false: opaque messages of a
    /// service h2stress does not know, only framed, counted and measured).
    public private(set) var decodesBodies: Bool
    /// Which stamped bodies are summed in full (the others: stamp and length only).
    public private(set) var checksum: ChecksumSampling
    /// This stream's input to ``ChecksumSampling/covers(seed:index:)``.
    public private(set) var checksumSeed: UInt64
    /// Messages whose body was summed and compared with its stamp's checksum.
    public private(set) var messagesSummed: Int = 0
    /// Body bytes summed for those messages.
    public private(set) var bytesSummed: Int = 0
    /// Messages completed so far.
    public private(set) var messagesCompleted: Int = 0
    /// Payload bytes of completed messages so far (gRPC prefixes not counted).
    public private(set) var payloadBytesCompleted: Int = 0
    /// The framing error, once one happened.
    public private(set) var failure: GRPCWireError? = nil

    /// Bytes of the current message's 5-byte prefix seen so far (0 between messages).
    private var prefixBytes: Int = 0
    /// The prefix bytes, accumulated big-endian.
    private var prefixValue: UInt64 = 0
    /// Payload bytes of the current message seen so far.
    private var received: Int = 0
    /// The message being assembled.
    private var current = GRPCMessageInfo()
    /// Decodes the current message to find its payload body (not used for compressed messages).
    private var decoder = PayloadBodyDecoder(messageLength: 0)
    /// The stamp check of the current body.
    private var stampSink = StampSink(checks: false, verifier: MessageStamp.Verifier())

    /// Creates a reader for one stream.
    ///
    /// - Parameters:
    ///   - maxMessageLength: longer announced messages are a framing error (default 64 MiB).
    ///   - checksStamps: locate each response's payload body and verify its ``MessageStamp``.
    ///   - checksum: which of those bodies are summed in full (default: all).
    ///   - checksumSeed: the stream's seed for `checksum` sampling.
    ///   - decodesBodies: decode each message as a payload response (false: opaque messages).
    public init(maxMessageLength: Int = GRPCMessageReader.defaultMaxMessageLength, checksStamps: Bool = false,
                checksum: ChecksumSampling = .all, checksumSeed: UInt64 = 0, decodesBodies: Bool = true) {
        precondition(maxMessageLength >= 0, "BUG DETECTED: negative maxMessageLength")
        self.maxMessageLength = maxMessageLength
        self.checksStamps = false
        self.decodesBodies = true
        self.checksum = .all
        self.checksumSeed = 0
        restart(checksStamps: checksStamps, checksum: checksum, checksumSeed: checksumSeed, decodesBodies: decodesBodies)
    }

    /// Whether the stream stopped inside a message (prefix or payload). True at END_STREAM
    /// means a message was cut short.
    public var midMessage: Bool { prefixBytes > 0 }

    /// Bytes of the current, incomplete message seen so far, its 5-byte prefix included
    /// (0 between messages).
    public var bytesIntoCurrentMessage: Int { prefixBytes + received }

    /// The payload length the current message announced, once its prefix is complete.
    public var currentMessageLength: Int? { prefixBytes == GRPCFrame.prefixLength ? current.length : nil }

    /// Forgets all state, for reuse on a new stream (limits and options are kept).
    public mutating func reset() {
        restart(checksStamps: checksStamps, checksum: checksum, checksumSeed: checksumSeed, decodesBodies: decodesBodies)
    }

    /// Makes this reader what `init` with these options (and the same `maxMessageLength`) makes,
    /// in place, for a new stream (`init` ends here too, so the options are set in one place). The per-message scratch state (`current`, `decoder`,
    /// `stampSink`) is set by each message's start, so only counters and options are written:
    /// building a reader and moving it into its stream's verifier copied a few hundred bytes
    /// per stream (callgrind, 100-byte streams).
    public mutating func restart(checksStamps: Bool, checksum: ChecksumSampling, checksumSeed: UInt64, decodesBodies: Bool) {
        self.checksStamps = checksStamps && decodesBodies
        self.decodesBodies = decodesBodies
        self.checksum = checksum
        self.checksumSeed = checksumSeed
        messagesSummed = 0
        bytesSummed = 0
        messagesCompleted = 0
        payloadBytesCompleted = 0
        if failure != nil { failure = nil }
        prefixBytes = 0
        prefixValue = 0
        received = 0
    }

    /// Feeds the next chunk of stream DATA; calls `onMessage` for every message it completes,
    /// in order.
    ///
    /// - Throws: ``GRPCWireError/messageTooLarge(length:limit:)`` when a prefix announces more
    ///   than ``maxMessageLength``; the reader stays failed afterwards.
    public mutating func feed(
        _ chunk: UnsafeRawBufferPointer, _ onMessage: (borrowing GRPCMessageInfo) -> Void
    ) throws(GRPCWireError) {
        if let failure { throw failure }
        guard let base = chunk.baseAddress else { return }
        let count = chunk.count
        var i = 0
        while i < count {
            if prefixBytes < GRPCFrame.prefixLength {
                prefixValue = prefixValue << 8 | UInt64(base.load(fromByteOffset: i, as: UInt8.self))
                prefixBytes += 1
                i += 1
                if prefixBytes == GRPCFrame.prefixLength {
                    try beginMessage()
                    if current.length == 0 { completeMessage(onMessage) }
                }
            } else {
                let take = min(count - i, current.length - received)
                payload(UnsafeRawBufferPointer(start: base + i, count: take))
                i += take
                if received == current.length { completeMessage(onMessage) }
            }
        }
    }

    private mutating func beginMessage() throws(GRPCWireError) {
        let flag = UInt8(truncatingIfNeeded: prefixValue >> 32)
        let length = Int(UInt32(truncatingIfNeeded: prefixValue))
        guard length <= maxMessageLength else {
            let error = GRPCWireError.messageTooLarge(length: length, limit: maxMessageLength)
            failure = error
            throw error
        }
        current.index = messagesCompleted
        current.compressed = flag != 0
        current.length = length
        current.bodyRange = nil
        current.bodyLength = 0
        current.decodeError = nil
        current.stampCheck = .notChecked
        received = 0
        decoder = PayloadBodyDecoder(messageLength: length)
        stampSink = StampSink(checks: checksStamps, verifier: MessageStamp.Verifier(
            summing: checksStamps && checksum.covers(seed: checksumSeed, index: messagesCompleted)))
    }

    /// Takes payload bytes `received ..< received + bytes.count` of the current message: keeps
    /// the first 64, decodes them, and feeds the payload body to the stamp verifier.
    private mutating func payload(_ bytes: UnsafeRawBufferPointer) {
        let start = received
        let end = start + bytes.count
        received = end
        let capacity = GRPCMessageInfo.prefixCapacity
        if start < capacity {
            let n = min(end, capacity) - start
            withUnsafeMutableBytes(of: &current.prefixStorage) { raw in
                (raw.baseAddress! + start).copyMemory(from: bytes.baseAddress!, byteCount: n)
            }
        }
        guard !current.compressed, decodesBodies else { return }  // a compressed or opaque message is not decoded
        decoder.feed(bytes, into: &stampSink)
    }

    private mutating func completeMessage(_ onMessage: (borrowing GRPCMessageInfo) -> Void) {
        if !current.compressed && decodesBodies {
            decoder.finish()
            current.decodeError = decoder.error
            current.bodyLength = decoder.error == nil ? decoder.bodyLength : 0
            if decoder.error == nil, let offset = decoder.bodyOffset {
                current.bodyRange = offset..<(offset + decoder.bodyLength)
            }
        }
        if checksStamps {
            if current.compressed || current.decodeError != nil {
                current.stampCheck = .unrecognizedLayout
            } else if current.bodyLength == 0 {
                current.stampCheck = .unstamped(bodyLength: 0)
            } else {
                current.stampCheck = stampSink.verifier.finish()
                switch current.stampCheck {
                case .valid, .checksumMismatch:
                    messagesSummed += 1
                    bytesSummed += stampSink.verifier.bytesSeen
                default: break
                }
            }
        }
        messagesCompleted += 1
        payloadBytesCompleted += current.length
        prefixBytes = 0
        prefixValue = 0
        received = 0
        onMessage(current)
    }
}

/// Hands a decoded payload body to its stamp verifier (when stamps are checked); a later body
/// field starts a fresh verifier, as it replaces the earlier body.
private struct StampSink: PayloadBodySink {
    let checks: Bool
    var verifier: MessageStamp.Verifier

    @inline(__always)
    mutating func bodyStarted(length: Int) {
        if checks { verifier = MessageStamp.Verifier(summing: verifier.summing) }
    }

    @inline(__always)
    mutating func body(_ bytes: UnsafeRawBufferPointer) {
        if checks { verifier.update(bytes) }
    }
}
