import Testing
@testable import H2Wire

/// A message seen by the reader, copied out of the callback.
private struct SeenMessage: Equatable {
    var index: Int
    var compressed: Bool
    var length: Int
    var prefix: [UInt8]
}

/// Feeds `chunks` and returns what the reader reported.
private func read(_ reader: inout GRPCMessageReader, _ chunks: [ArraySlice<UInt8>]) throws -> [SeenMessage] {
    var seen: [SeenMessage] = []
    for chunk in chunks {
        try chunk.withUnsafeBytes { raw in
            try reader.feed(raw) { info in
                seen.append(SeenMessage(index: info.index, compressed: info.compressed, length: info.length,
                                        prefix: info.withPrefixBytes { Array($0) }))
            }
        }
    }
    return seen
}

/// Payloads of assorted lengths: empty, shorter and longer than the 64-byte prefix copy.
private let payloads: [[UInt8]] = [0, 1, 63, 64, 65, 200, 5].enumerated().map { n, length in
    (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) }
}

private func framedStream(compressedIndex: Int? = nil) -> [UInt8] {
    var stream: [UInt8] = []
    for (i, payload) in payloads.enumerated() {
        GRPCFrame.append(payload, compressed: i == compressedIndex, to: &stream)
    }
    return stream
}

private func expected(compressedIndex: Int? = nil) -> [SeenMessage] {
    payloads.enumerated().map { i, payload in
        SeenMessage(index: i, compressed: i == compressedIndex, length: payload.count, prefix: Array(payload.prefix(64)))
    }
}

@Test func prefixIsFlagThenBigEndianLength() {
    var bytes = [UInt8](repeating: 0xEE, count: 5)
    bytes.withUnsafeMutableBytes { _ = GRPCFrame.writePrefix(payloadLength: 0x0102_0304, compressed: true, into: $0) }
    #expect(bytes == [1, 1, 2, 3, 4])

    var appended: [UInt8] = []
    GRPCFrame.append([9, 8, 7], to: &appended)
    #expect(appended == [0, 0, 0, 0, 3, 9, 8, 7])

    var encoded = [UInt8](repeating: 0, count: 8)
    let payload: [UInt8] = [9, 8, 7]
    let written = encoded.withUnsafeMutableBytes { out in payload.withUnsafeBytes { GRPCFrame.encode($0, into: out) } }
    #expect(written == 8)
    #expect(encoded == appended)
}

@Test func readerReportsEveryMessageInOneChunk() throws {
    let stream = framedStream(compressedIndex: 2)
    var reader = GRPCMessageReader()
    let seen = try read(&reader, [stream[...]])
    #expect(seen == expected(compressedIndex: 2))
    #expect(reader.messagesCompleted == payloads.count)
    #expect(reader.payloadBytesCompleted == payloads.reduce(0) { $0 + $1.count })
    #expect(!reader.midMessage)
    #expect(reader.bytesIntoCurrentMessage == 0)
}

@Test func readerHandlesASplitAtEveryOffset() throws {
    let stream = framedStream(compressedIndex: 4)
    let want = expected(compressedIndex: 4)
    for cut in 0...stream.count {
        var reader = GRPCMessageReader()
        let seen = try read(&reader, [stream[..<cut], stream[cut...]])
        #expect(seen == want, "split at \(cut)")
        #expect(!reader.midMessage, "split at \(cut)")
    }
}

@Test func readerHandlesTwoSplitsAroundEveryPrefix() throws {
    // Every pair of cut points within the first 80 bytes (covers all prefix splits of the
    // first messages and splits inside the 64-byte prefix copy).
    let stream = framedStream()
    let want = expected()
    for first in 0...80 {
        for second in first...80 {
            var reader = GRPCMessageReader()
            let seen = try read(&reader, [stream[..<first], stream[first..<second], stream[second...]])
            #expect(seen == want, "splits at \(first), \(second)")
        }
    }
}

@Test func readerHandlesOneByteChunks() throws {
    let stream = framedStream()
    var reader = GRPCMessageReader()
    let seen = try read(&reader, stream.indices.map { stream[$0...$0] })
    #expect(seen == expected())
}

@Test func readerTellsWhenAStreamEndsMidMessage() throws {
    var stream: [UInt8] = []
    GRPCFrame.append([UInt8](repeating: 7, count: 10), to: &stream)
    GRPCFrame.append([UInt8](repeating: 8, count: 100), to: &stream)

    for cut in 0...stream.count {
        var reader = GRPCMessageReader()
        let seen = try read(&reader, [stream[..<cut]])
        let firstEnd = 15
        let expectCount = cut >= stream.count ? 2 : (cut >= firstEnd ? 1 : 0)
        #expect(seen.count == expectCount, "cut at \(cut)")
        let boundary = cut == 0 || cut == firstEnd || cut == stream.count
        #expect(reader.midMessage == !boundary, "cut at \(cut)")
        let into = cut < firstEnd ? cut : (cut == stream.count ? 0 : cut - firstEnd)
        #expect(reader.bytesIntoCurrentMessage == into, "cut at \(cut)")
        if cut > firstEnd + 4 && cut < stream.count {
            #expect(reader.currentMessageLength == 100)
        } else if cut > 0 && cut < 5 {
            #expect(reader.currentMessageLength == nil)
        }
    }
}

@Test func readerRejectsAbsurdLengthsAndStaysFailed() throws {
    var reader = GRPCMessageReader(maxMessageLength: 1000)
    var stream: [UInt8] = []
    GRPCFrame.append([UInt8](repeating: 1, count: 1000), to: &stream)  // at the limit: fine
    stream += [0, 0, 0, 0x03, 0xE9]                                      // 1001: too large
    var seen = 0
    #expect(throws: GRPCWireError.messageTooLarge(length: 1001, limit: 1000)) {
        try stream.withUnsafeBytes { raw in try reader.feed(raw) { _ in seen += 1 } }
    }
    #expect(seen == 1)
    #expect(reader.failure == .messageTooLarge(length: 1001, limit: 1000))
    let more: [UInt8] = [0, 0, 0, 0, 0]
    #expect(throws: GRPCWireError.self) {
        try more.withUnsafeBytes { raw in try reader.feed(raw) { _ in seen += 1 } }
    }
    #expect(seen == 1)

    // The default limit is 64 MiB; 0xFFFFFFFF exceeds it.
    var defaultReader = GRPCMessageReader()
    let huge: [UInt8] = [0, 0xFF, 0xFF, 0xFF, 0xFF]
    #expect(throws: GRPCWireError.messageTooLarge(length: Int(UInt32.max), limit: 64 << 20)) {
        try huge.withUnsafeBytes { raw in try defaultReader.feed(raw) { _ in } }
    }

    reader.reset()
    #expect(reader.failure == nil)
    #expect(try read(&reader, [stream[..<1005]]).count == 1)
}

@Test func zeroLengthMessagesCompleteWithTheirPrefix() throws {
    let stream: [UInt8] = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0]
    var reader = GRPCMessageReader()
    let first = try read(&reader, [stream[..<5]])
    #expect(first.map(\.length) == [0])
    let second = try read(&reader, [stream[5...]])
    #expect(second == [SeenMessage(index: 1, compressed: true, length: 0, prefix: [])])
}
