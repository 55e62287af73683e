import Testing
@testable import H2Wire

@Suite struct HTTP2OutputBufferTests {
    private func contents(_ buffer: OutputBuffer) -> [UInt8] {
        buffer.withReadableBytes { Array($0) }
    }

    @Test func appendAndConsumeKeepOrder() {
        var buffer = OutputBuffer(capacity: 64)
        [1, 2, 3, 4, 5].map(UInt8.init).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.readableBytes == 5)
        buffer.consume(2)
        #expect(contents(buffer) == [3, 4, 5])
        [6].map(UInt8.init).withUnsafeBytes { buffer.append($0) }
        #expect(contents(buffer) == [3, 4, 5, 6])
        buffer.consume(4)
        #expect(buffer.isEmpty)
    }

    @Test func growsAndCompactsWithoutLosingBytes() {
        var buffer = OutputBuffer(capacity: 64)
        let data = pattern(count: 10_000)
        var expected: [UInt8] = []
        var offset = 0
        // Interleave appends of varying size with partial consumes.
        for step in 1...200 {
            let size = min(step * 3, data.count - offset)
            guard size > 0 else { break }
            data[offset..<offset + size].withUnsafeBytes { buffer.append($0) }
            expected += data[offset..<offset + size]
            offset += size
            let take = min(step, buffer.readableBytes)
            buffer.consume(take)
            expected.removeFirst(take)
            #expect(contents(buffer) == expected)
        }
        #expect(buffer.capacity >= 64)
    }

    @Test func compactsInsteadOfGrowingWhenThereIsRoom() {
        var buffer = OutputBuffer(capacity: 100)
        let capacity = buffer.capacity
        pattern(count: 90).withUnsafeBytes { buffer.append($0) }
        buffer.consume(80)
        pattern(count: 50, seed: 1).withUnsafeBytes { buffer.append($0) }
        #expect(buffer.capacity == capacity)
        #expect(contents(buffer) == Array(pattern(count: 90)[80...]) + pattern(count: 50, seed: 1))
    }

    @Test func inPlaceAppendWritesExactlyCount() {
        var buffer = OutputBuffer(capacity: 64)
        buffer.append(count: 300) { target in
            #expect(target.count == 300)
            for index in target.indices { target[index] = UInt8(index % 256) }
        }
        #expect(contents(buffer) == (0..<300).map { UInt8($0 % 256) })
    }

    @Test func copiesHaveValueSemantics() {
        var original = OutputBuffer(capacity: 64)
        [1, 2, 3].map(UInt8.init).withUnsafeBytes { original.append($0) }
        var copy = original
        [4].map(UInt8.init).withUnsafeBytes { copy.append($0) }
        copy.consume(1)
        #expect(contents(original) == [1, 2, 3])
        #expect(contents(copy) == [2, 3, 4])
    }
}
