/// Finds the payload body of a `StreamingOutputCallResponse` or `SimpleResponse` by decoding the
/// protobuf message as it streams in, in chunks split anywhere, without buffering it.
///
/// Both messages carry `Payload payload = 1`, and `Payload` carries `PayloadType type = 1` and
/// `bytes body = 2`. Any valid encoding is accepted, whoever wrote it: fields in any order,
/// unknown fields of every wire type but groups (skipped, their bytes never copied), defaults
/// omitted or written explicitly (an empty body as `12 00`), the payload field written several
/// times (protobuf merges embedded messages, so a later `body` replaces an earlier one and a
/// later payload without a body keeps it). The body length found is the one a conforming
/// decoder reports; a field with another wire type than the schema's is an unknown field (as
/// protobuf runtimes treat it).
///
/// Header bytes (tags, lengths, skipped varints) are walked one at a time; body bytes and
/// skipped length-delimited fields are handed on or passed over in bulk, so a 1 MiB body costs
/// one callback per chunk. No allocation.
///
/// Threading: a value owned by whoever feeds it; not shared.
///
/// Invariants: `offset ≤ messageLength`; inside the payload, `offset ≤ payloadEnd ≤
/// messageLength`; after an error nothing more is decoded.
public struct PayloadBodyDecoder {
    /// Why a message is not a valid encoding of the response (offsets are from the message start).
    public enum DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        /// A varint longer than 10 bytes.
        case malformedVarint(at: Int)
        /// The message ended inside a field.
        case truncated(at: Int)
        /// A length-delimited or fixed-size field runs past the end of the message (or of the
        /// payload it is inside).
        case fieldPastEnd(field: Int, at: Int)
        /// Wire type 3 or 4 (groups, not used by these messages) or 6 and 7 (undefined).
        case unsupportedWireType(Int, field: Int, at: Int)
        /// A tag with field number 0.
        case fieldNumberZero(at: Int)

        public var description: String {
            switch self {
            case .malformedVarint(let at): return "varint longer than 10 bytes at byte \(at)"
            case .truncated(let at): return "message ends inside a field at byte \(at)"
            case let .fieldPastEnd(field, at): return "field \(field) at byte \(at) runs past the end of its message"
            case let .unsupportedWireType(type, field, at): return "field \(field) at byte \(at) has wire type \(type) (groups and undefined types are not accepted)"
            case .fieldNumberZero(let at): return "field number 0 at byte \(at)"
            }
        }
    }

    private enum Phase: UInt8 {
        /// Reading a tag varint.
        case tag
        /// Reading a varint field's value (skipped).
        case varintValue
        /// Reading the length of a length-delimited field.
        case length
        /// Passing over the bytes of an unknown or fixed-size field.
        case skip
        /// Handing on the bytes of a payload body.
        case body
    }

    /// Length of the whole message (from the gRPC prefix).
    public let messageLength: Int
    /// Bytes decoded so far.
    public private(set) var offset = 0
    /// Length of the payload body a conforming decoder reports: the last `body` seen (0 when none).
    public private(set) var bodyLength = 0
    /// Where that body starts in the message (nil when no body field was seen).
    public private(set) var bodyOffset: Int?
    /// The first decoding error, if any.
    public private(set) var error: DecodeError?

    private var phase = Phase.tag
    private var inPayload = false
    private var payloadEnd = 0
    private var accumulator: UInt64 = 0
    private var shift: UInt64 = 0
    private var field = 0
    /// Where the current field's tag starts (for error messages).
    private var fieldStart = 0
    private var skipEnd = 0

    /// A decoder for a message of `messageLength` bytes.
    public init(messageLength: Int) {
        self.messageLength = messageLength
    }

    /// Whether the whole message was fed and it decoded cleanly.
    public var isComplete: Bool { error == nil && offset == messageLength && phase == .tag && !inPayload }

    /// Decodes the next bytes of the message; `sink` is told when a `body` field begins (a later
    /// one replaces an earlier one) and given each run of its bytes. Generic, so the hot path
    /// (``GRPCMessageReader`` feeding a stamp verifier) is specialized with no closure or copy.
    @inline(__always)
    public mutating func feed<Sink: PayloadBodySink>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) {
        guard error == nil, let base = chunk.baseAddress else { return }
        let count = chunk.count
        var i = 0
        while i < count {
            switch phase {
            case .skip, .body:
                let take = min(count - i, skipEnd - offset)
                if phase == .body { sink.body(UnsafeRawBufferPointer(start: base + i, count: take)) }
                i += take
                offset += take
                if offset == skipEnd { fieldDone() }
            case .tag, .varintValue, .length:
                let byte = base.load(fromByteOffset: i, as: UInt8.self)
                i += 1
                offset += 1
                accumulator |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 != 0 {
                    shift += 7
                    if shift >= 70 { error = .malformedVarint(at: offset - 10); return }
                    continue
                }
                let value = accumulator
                accumulator = 0
                shift = 0
                varintDone(value, sink: &sink)
                if error != nil { return }
            }
        }
    }

    /// Called once the whole message has been fed: a message that ends inside a field is an error.
    public mutating func finish() {
        guard error == nil else { return }
        if offset != messageLength || phase != .tag || inPayload || shift != 0 {
            error = .truncated(at: offset)
        }
    }

    /// The end of the innermost open message: the payload's, or the whole message's.
    private var limit: Int { inPayload ? payloadEnd : messageLength }

    @inline(__always)
    private mutating func varintDone<Sink: PayloadBodySink>(_ value: UInt64, sink: inout Sink) {
        // A varint (tag, length or value) that ran past the end of its enclosing message: the
        // payload's length was a lie. (Found by Fuzz/GRPCReader: without this, `limit - offset`
        // went negative below and converting it to UInt64 trapped — a server could crash the driver.)
        guard offset <= limit else { error = .fieldPastEnd(field: field, at: fieldStart); return }
        switch phase {
        case .tag:
            guard value >> 3 <= UInt64(Int32.max) else { error = .malformedVarint(at: offset); return }
            field = Int(value >> 3)
            guard field != 0 else { error = .fieldNumberZero(at: offset); return }
            switch Int(value & 7) {
            case 0: phase = .varintValue
            case 1: startSkip(8)
            case 2: phase = .length
            case 5: startSkip(4)
            case let type: error = .unsupportedWireType(type, field: field, at: offset)
            }
        case .varintValue:
            fieldDone()
        case .length:
            guard value <= UInt64(limit - offset) else { error = .fieldPastEnd(field: field, at: fieldStart); return }
            let length = Int(value)
            if !inPayload && field == 1 {
                // Payload: decode inside it (an empty one changes nothing).
                if length > 0 {
                    inPayload = true
                    payloadEnd = offset + length
                }
                fieldDone()
            } else if inPayload && field == 2 {
                bodyLength = length
                bodyOffset = offset
                sink.bodyStarted(length: length)
                skipEnd = offset + length
                phase = .body
                if length == 0 { fieldDone() }
            } else {
                startSkip(length)
            }
        case .skip, .body:
            break
        }
    }

    private mutating func startSkip(_ length: Int) {
        guard length <= limit - offset else { error = .fieldPastEnd(field: field, at: fieldStart); return }
        skipEnd = offset + length
        phase = .skip
        if length == 0 { fieldDone() }
    }

    /// A field ended at `offset`: back to reading tags, leaving the payload at its end.
    @inline(__always)
    private mutating func fieldDone() {
        phase = .tag
        fieldStart = offset
        if inPayload {
            if offset == payloadEnd {
                inPayload = false
            } else if offset > payloadEnd {
                error = .fieldPastEnd(field: field, at: fieldStart)
            }
        } else if offset > messageLength {
            error = .fieldPastEnd(field: field, at: fieldStart)
        }
    }
}

/// Receives the payload body that ``PayloadBodyDecoder`` finds.
public protocol PayloadBodySink {
    /// A `body` field of `length` bytes begins; it replaces any earlier one.
    mutating func bodyStarted(length: Int)
    /// The next bytes of that body.
    mutating func body(_ bytes: UnsafeRawBufferPointer)
}
