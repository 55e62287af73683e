import Testing
@testable import H2Wire

// Checksum sampling: which bodies are summed, what a stamp-only check still catches, and
// that the reader's counts say exactly which messages were summed.

// `stampedStream(_:streamID:)` is GRPCStampTests.swift's.

/// Offset in `stampedStream(bodies)` of body byte `offset` of message `index`.
private func bodyByte(_ bodies: [Int], index: Int, offset: Int) -> Int {
    var at = 0
    for size in bodies[..<index] { at += GRPCFrame.prefixLength + PayloadResponseLayout.encodedLength(bodySize: size) }
    return at + GRPCFrame.prefixLength + PayloadResponseLayout.headerLength(bodySize: bodies[index]) + offset
}

@Test func samplingTextRoundTripsAndRejectsNonsense() {
    for text in ["all", "none", "1/2", "1/16", "1/1000000"] {
        #expect(ChecksumSampling(text: text)?.description == text)
    }
    #expect(ChecksumSampling(text: "1/64") == .default)
    for bad in ["", "1/1", "1/0", "1/-4", "2/3", "1/abc", "1/1000001", "16", "ALL", "1/ 16"] {
        #expect(ChecksumSampling(text: bad) == nil, "\(bad)")
    }
    #expect(ChecksumSampling.all.share == 1 && ChecksumSampling.none.share == 0)
}

@Test func allAndNoneCoverEveryOrNoMessage() {
    for seed: UInt64 in [0, 1, 0xDEAD_BEEF] {
        #expect((0..<1000).allSatisfy { ChecksumSampling.all.covers(seed: seed, index: $0) })
        #expect(!(0..<1000).contains { ChecksumSampling.none.covers(seed: seed, index: $0) })
    }
}

@Test(arguments: [2, 16, 100])
func oneInNCoversAboutOneInN(n: Int) throws {
    let sampling = try #require(ChecksumSampling(oneIn: n))
    // 1,000 streams × 100 messages: the count is binomial(100,000, 1/n); allow 5 σ.
    var covered = 0
    for stream in 0..<1000 {
        let seed = MessageStamp.splitMix(UInt64(stream))
        for index in 0..<100 where sampling.covers(seed: seed, index: index) { covered += 1 }
    }
    let expected = 100_000.0 / Double(n)
    let sigma = (100_000.0 * (1 / Double(n)) * (1 - 1 / Double(n))).squareRoot()
    #expect(abs(Double(covered) - expected) <= 5 * sigma, "\(covered) covered, expected \(expected) ± \(5 * sigma)")
    // Reproducible, and another seed picks other messages.
    let a = (0..<400).filter { sampling.covers(seed: 11, index: $0) }
    #expect(a == (0..<400).filter { sampling.covers(seed: 11, index: $0) })
    #expect(a != (0..<400).filter { sampling.covers(seed: 12, index: $0) })
}

@Test func anUnsummedBodyStillHasItsStampAndLengthChecked() {
    var body = [UInt8](repeating: 0, count: 300)
    let stamp = body.withUnsafeMutableBytes {
        MessageStamp.write(into: $0, streamID: 9, index: 4, bodyLength: 300, sendTimeNs: 5)!
    }
    func check(_ bytes: [UInt8], chunk: Int) -> MessageStamp.Check {
        var verifier = MessageStamp.Verifier(summing: false)
        var at = 0
        while at < bytes.count {
            let n = min(chunk, bytes.count - at)
            bytes.withUnsafeBytes { verifier.update(UnsafeRawBufferPointer(rebasing: $0[at..<(at + n)])) }
            at += n
        }
        return verifier.finish()
    }
    // Chunks of every size from 1 byte up: the stamp is read whatever the split.
    for chunk in [1, 3, 5, 7, 8, 9, 31, 32, 33, 300] {
        #expect(check(body, chunk: chunk) == .validUnsummed(stamp), "chunk \(chunk)")
        // A changed byte after the stamp is what sampling gives up...
        var corrupted = body
        corrupted[200] ^= 1
        #expect(check(corrupted, chunk: chunk) == .validUnsummed(stamp))
        // ...but a wrong stamp, a short body or an extra byte are still caught.
        var badMagic = body
        badMagic[0] ^= 1
        #expect(check(badMagic, chunk: chunk) == .badMagic)
        #expect(check(Array(body.dropLast()), chunk: chunk) == .lengthMismatch(stamp: stamp, actualBodyLength: 299))
        #expect(check(body + [0], chunk: chunk) == .lengthMismatch(stamp: stamp, actualBodyLength: 301))
        var otherIndex = body
        otherIndex[8] ^= 1
        #expect(check(otherIndex, chunk: chunk).intactStamp?.index == 5)
    }
}

@Test func theReaderSumsExactlyTheSampledMessagesAndCountsThem() throws {
    let bodies = [Int](repeating: 1000, count: 64) + [20, 0, 70_000]
    let sampling = try #require(ChecksumSampling(oneIn: 4))
    let seed: UInt64 = 0x5EED
    let sampled = bodies.indices.filter { sampling.covers(seed: seed, index: $0) }
    let unsampled = bodies.indices.filter { !sampling.covers(seed: seed, index: $0) && bodies[$0] >= 32 }
    try #require(!sampled.isEmpty && !unsampled.isEmpty)

    // One corrupted byte deep in every stamped body: caught exactly where the body was summed.
    var stream = stampedStream(bodies)
    for (i, size) in bodies.enumerated() where size >= 32 {
        stream[bodyByte(bodies, index: i, offset: size - 1)] ^= 0x40
    }
    for split in [1, 1000, 16_384, stream.count] {
        var reader = GRPCMessageReader(checksStamps: true, checksum: sampling, checksumSeed: seed)
        var checks: [MessageStamp.Check] = []
        var at = 0
        while at < stream.count {
            let n = min(split, stream.count - at)
            try stream.withUnsafeBytes { raw in
                try reader.feed(UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])) { checks.append($0.stampCheck) }
            }
            at += n
        }
        #expect(checks.count == bodies.count)
        for i in bodies.indices {
            switch checks[i] {
            case .checksumMismatch: #expect(sampled.contains(i) && bodies[i] >= 32, "message \(i)")
            case .validUnsummed: #expect(unsampled.contains(i), "message \(i)")
            case .unstamped: #expect(bodies[i] < 32, "message \(i)")
            default: Issue.record("message \(i): \(checks[i])")
            }
        }
        let summed = sampled.filter { bodies[$0] >= 32 }
        #expect(reader.messagesSummed == summed.count)
        #expect(reader.bytesSummed == summed.reduce(0) { $0 + bodies[$1] })
    }
}

@Test func theBulkSumMatchesTheByteWisePath() {
    // One chunk goes through the C bulk loop (CLinux_sum_le64, AVX2 or SSE2 clone); one byte
    // at a time never reaches it. Every alignment and lengths around the vector widths.
    var rng = SystemRandomNumberGenerator()
    let buffer = (0..<4300).map { _ in UInt8.random(in: 0...255, using: &rng) }
    for start in 0..<9 {
        for length in [0, 7, 8, 31, 32, 33, 40, 63, 64, 65, 127, 128, 129, 160, 161, 1000, 4096] {
            buffer.withUnsafeBytes { raw in
                let body = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                var byteWise = MessageStamp.Verifier()
                for i in 0..<length { byteWise.update(UnsafeRawBufferPointer(rebasing: body[i...i])) }
                #expect(MessageStamp.checksum(ofBody: body) == byteWise.computedChecksum, "start \(start), length \(length)")
            }
        }
    }
}
