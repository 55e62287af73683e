import Testing
@testable import H2Wire

/// A stamped body of `length` bytes (garbage-filled first so every byte must be written).
private func stampedBody(_ length: Int, streamID: UInt32 = 5, index: UInt32 = 9, sendTimeNs: UInt64 = 123_456_789) -> [UInt8] {
    var body = [UInt8](repeating: 0xA5, count: length)
    body.withUnsafeMutableBytes {
        _ = MessageStamp.write(into: $0, streamID: streamID, index: index, bodyLength: length, sendTimeNs: sendTimeNs)
    }
    return body
}

/// Feeds `chunks` to a fresh verifier and returns its verdict.
private func verify(_ chunks: [ArraySlice<UInt8>]) -> MessageStamp.Check {
    var verifier = MessageStamp.Verifier()
    for chunk in chunks { chunk.withUnsafeBytes { verifier.update($0) } }
    return verifier.finish()
}

@Test(arguments: [32, 33, 39, 40, 41, 100, 1000, 4101])
func stampRoundTrip(length: Int) throws {
    let body = stampedBody(length, streamID: 0x7FFF_FFFF, index: 42, sendTimeNs: 1_700_000_000_000_000_001)
    #expect(Array(body[0..<4]) == Array("H2SS".utf8))
    let stamp = try #require(body.withUnsafeBytes { MessageStamp.read(from: $0) })
    #expect(stamp.streamID == 0x7FFF_FFFF)
    #expect(stamp.index == 42)
    #expect(stamp.bodyLength == UInt32(length))
    #expect(stamp.sendTimeNs == 1_700_000_000_000_000_001)
    #expect(stamp.checksum == body.withUnsafeBytes { MessageStamp.checksum(ofBody: $0) })
    #expect(stamp == MessageStamp.expected(streamID: 0x7FFF_FFFF, index: 42, bodyLength: length,
                                           sendTimeNs: 1_700_000_000_000_000_001))
    #expect(verify([body[...]]) == .valid(stamp))
    // The pattern: byte o (o ≥ 32) is byte o % 8 of the little-endian pattern word.
    let word = MessageStamp.patternWord(streamID: 0x7FFF_FFFF, index: 42)
    for o in 32..<length {
        #expect(body[o] == UInt8(truncatingIfNeeded: word >> UInt64(8 * (o % 8))))
    }
}

@Test func verifierAcceptsEverySplit() {
    let body = stampedBody(203)
    let stamp = body.withUnsafeBytes { MessageStamp.read(from: $0) }!
    for first in 0...body.count {
        #expect(verify([body[..<first], body[first...]]) == .valid(stamp), "split at \(first)")
    }
    for first in stride(from: 0, through: 60, by: 1) {
        for second in first...64 {
            #expect(verify([body[..<first], body[first..<second], body[second...]]) == .valid(stamp))
        }
    }
    #expect(verify(body.indices.map { body[$0...$0] }) == .valid(stamp))
}

@Test func everyFlippedByteIsDetected() {
    let body = stampedBody(101)
    let stamp = body.withUnsafeBytes { MessageStamp.read(from: $0) }!
    for position in body.indices {
        for bit in [0, 7] {
            var corrupted = body
            corrupted[position] ^= UInt8(1 << bit)
            let check = verify([corrupted[...]])
            #expect(check != .valid(stamp), "byte \(position) bit \(bit)")
            switch position {
            case 0..<4: #expect(check == .badMagic)
            case 12..<16: if case .lengthMismatch = check {} else { Issue.record("byte \(position): \(check)") }
            default: if case .checksumMismatch = check {} else { Issue.record("byte \(position): \(check)") }
            }
        }
    }
}

@Test func missingOrExtraBytesAreDetected() {
    let body = stampedBody(1000)
    for missing in 1...17 {
        let check = verify([body.dropLast(missing)])
        #expect(check == .lengthMismatch(stamp: body.withUnsafeBytes { MessageStamp.read(from: $0) }!,
                                         actualBodyLength: 1000 - missing))
        // The checksum itself also tells a short body from the full one.
        let short = Array(body.dropLast(missing))
        #expect(short.withUnsafeBytes { MessageStamp.checksum(ofBody: $0) } != body.withUnsafeBytes { MessageStamp.checksum(ofBody: $0) })
    }
    // A byte lost in the middle.
    var gap = body
    gap.remove(at: 500)
    #expect(verify([gap[...]]) != verify([body[...]]))
    if case .lengthMismatch = verify([gap[...]]) {} else { Issue.record("gap not detected as a length mismatch") }
    // A trailing zero byte added (the zero-padded tail word does not change, the length term does).
    var extra = stampedBody(1000)
    extra.append(0)
    #expect(extra.withUnsafeBytes { MessageStamp.checksum(ofBody: $0) } != body.withUnsafeBytes { MessageStamp.checksum(ofBody: $0) })
    // A body of another message (same length) fails the checksum when its stamp is swapped in.
    var other = stampedBody(1000, index: 10)
    other.replaceSubrange(0..<32, with: body[0..<32])
    if case .checksumMismatch = verify([other[...]]) {} else { Issue.record("foreign body not detected") }
}

@Test(arguments: [0, 1, 7, 8, 31])
func shortBodiesAreUnstampedPatternOnly(length: Int) {
    var body = [UInt8](repeating: 0xA5, count: length)
    let stamp = body.withUnsafeMutableBytes {
        MessageStamp.write(into: $0, streamID: 5, index: 9, bodyLength: length, sendTimeNs: 1)
    }
    #expect(stamp == nil)
    let word = MessageStamp.patternWord(streamID: 5, index: 9)
    #expect(body == (0..<length).map { UInt8(truncatingIfNeeded: word >> UInt64(8 * ($0 % 8))) })
    #expect(body.withUnsafeBytes { MessageStamp.read(from: $0) } == nil)
    #expect(verify([body[...]]) == .unstamped(bodyLength: length))
}

@Test func writingInSlicesEqualsWritingWhole() {
    for length in [5, 32, 77, 1000] {
        let whole = stampedBody(length)
        for sliceLength in [1, 3, 8, 13, 32, 64] {
            var pieced = [UInt8](repeating: 0, count: length)
            var offset = 0
            while offset < length {
                let n = min(sliceLength, length - offset)
                pieced.withUnsafeMutableBytes { raw in
                    _ = MessageStamp.writeSlice(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset + n)]),
                                                bodyOffset: offset, streamID: 5, index: 9, bodyLength: length,
                                                sendTimeNs: 123_456_789)
                }
                offset += n
            }
            #expect(pieced == whole, "length \(length), slices of \(sliceLength)")
        }
    }
}

@Test func largeBodyWriteAndVerify() {
    // Cost check without timing asserts: 16 MiB written and verified in 64 KiB chunks.
    let length = 16 << 20
    let body = stampedBody(length + 3)
    let stamp = body.withUnsafeBytes { MessageStamp.read(from: $0) }!
    var verifier = MessageStamp.Verifier()
    var offset = 0
    body.withUnsafeBytes { raw in
        while offset < raw.count {
            let n = min(65_536 + 5, raw.count - offset)  // odd size: chunks start unaligned
            verifier.update(UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n)]))
            offset += n
        }
    }
    #expect(verifier.bytesSeen == length + 3)
    #expect(verifier.finish() == .valid(stamp))
}

// MARK: - The reader checking stamps

/// A gRPC stream of stamped `StreamingOutputCallResponse` messages of the given body sizes.
func stampedStream(_ bodies: [Int], streamID: UInt32 = 1) -> [UInt8] {
    var stream: [UInt8] = []
    for (i, size) in bodies.enumerated() {
        let messageLength = PayloadResponseLayout.encodedLength(bodySize: size)
        var frame = [UInt8](repeating: 0, count: GRPCFrame.prefixLength + messageLength)
        frame.withUnsafeMutableBytes { raw in
            var p = raw.baseAddress!
            p += GRPCFrame.writePrefix(payloadLength: messageLength, to: p)
            p += PayloadResponseLayout.writeHeader(bodySize: size, to: p)
            MessageStamp.write(into: UnsafeMutableRawBufferPointer(start: p, count: size), streamID: streamID,
                               index: UInt32(i), bodyLength: size, sendTimeNs: 1000 + UInt64(i))
        }
        stream += frame
    }
    return stream
}

private struct Checked: Equatable {
    var check: MessageStamp.Check
    var bodyRange: Range<Int>?
    var stamp: MessageStamp?
}

private func readChecked(_ chunks: [ArraySlice<UInt8>]) throws -> [Checked] {
    var reader = GRPCMessageReader(checksStamps: true)
    var seen: [Checked] = []
    for chunk in chunks {
        try chunk.withUnsafeBytes { raw in
            try reader.feed(raw) { seen.append(Checked(check: $0.stampCheck, bodyRange: $0.bodyRange, stamp: $0.stamp)) }
        }
    }
    #expect(!reader.midMessage)
    return seen
}

@Test func readerVerifiesStampsAcrossEverySplit() throws {
    let bodies = [0, 10, 31, 32, 33, 52, 100, 300]
    let stream = stampedStream(bodies)
    let want: [Checked] = bodies.enumerated().map { i, size in
        let header = PayloadResponseLayout.headerLength(bodySize: size)
        // An empty body is `0a 00`: a present payload with no body field, so no body range.
        guard size > 0 else { return Checked(check: .unstamped(bodyLength: 0), bodyRange: nil) }
        guard size >= 32 else { return Checked(check: .unstamped(bodyLength: size), bodyRange: header..<(header + size)) }
        let stamp = MessageStamp.expected(streamID: 1, index: UInt32(i), bodyLength: size, sendTimeNs: 1000 + UInt64(i))
        return Checked(check: .valid(stamp), bodyRange: header..<(header + size), stamp: stamp)
    }
    #expect(try readChecked([stream[...]]) == want)
    for cut in 0...stream.count {
        #expect(try readChecked([stream[..<cut], stream[cut...]]) == want, "split at \(cut)")
    }
    #expect(try readChecked(stream.indices.map { stream[$0...$0] }) == want)
}

@Test func readerFlagsACorruptedBodyOnly() throws {
    let bodies = [500, 70_000, 500]
    var stream = stampedStream(bodies)
    // Flip one byte deep inside the second body (well past the 64-byte prefix copy).
    let secondStart = 5 + PayloadResponseLayout.encodedLength(bodySize: 500)
    stream[secondStart + 5 + 40_000] ^= 0x10
    for cut in [0, 7, secondStart + 3, secondStart + 70, secondStart + 40_001, stream.count - 1] {
        let seen = try readChecked([stream[..<cut], stream[cut...]])
        #expect(seen.count == 3)
        if case .valid = seen[0].check {} else { Issue.record("message 0: \(seen[0].check)") }
        if case .checksumMismatch = seen[1].check {} else { Issue.record("message 1: \(seen[1].check)") }
        if case .valid = seen[2].check {} else { Issue.record("message 2: \(seen[2].check)") }
    }
}

@Test func readerDecodesOtherLayoutsAndFlagsOnlyWhatItCannotRead() throws {
    // A SimpleResponse with a username after the payload (valid: decoded, its 40-byte body carries
    // no stamp magic), a compressed message (not decoded), a payload field with the wrong wire
    // type (an unknown field to a protobuf decoder: no body) and a length past the message end.
    var stream: [UInt8] = []
    let withUsername = SimpleResponse(payload: Payload(body: [UInt8](repeating: 1, count: 40))).encoded() + [0x12, 0x01, 0x61]
    GRPCFrame.append(withUsername, to: &stream)
    GRPCFrame.append(StreamingOutputCallResponse(payload: Payload(body: [1, 2])).encoded(), compressed: true, to: &stream)
    GRPCFrame.append([0x08, 0x01], to: &stream)
    GRPCFrame.append([0x0A, 0x05, 0x12, 0x03, 0x01], to: &stream)
    let seen = try readChecked([stream[...]])
    #expect(seen.map(\.check) == [.badMagic, .unrecognizedLayout, .unstamped(bodyLength: 0), .unrecognizedLayout])
    #expect(seen.map(\.bodyRange) == [4..<44, nil, nil, nil])
    #expect(seen.allSatisfy { $0.stamp == nil })

    // Without checksStamps nothing is checked.
    var plain = GRPCMessageReader()
    var checks: [MessageStamp.Check] = []
    try stampedStream([100]).withUnsafeBytes { raw in try plain.feed(raw) { checks.append($0.stampCheck) } }
    #expect(checks == [.notChecked])
}
