import Testing
@testable import H2Results

@Suite("SeriesRecorder")
struct SeriesRecorderTests {
    @Test("counters land in their second; outcomes list only non-zero counts")
    func counters() {
        var series = SeriesRecorder()
        series.record(bytes: 1_000, at: 0)
        series.record(bytes: 500, at: 0)
        series.record(messages: 3, at: 0)
        series.record(bytes: 7, at: 2)
        series.streamCompleted(outcome: .complete, at: 2)
        series.streamCompleted(outcome: .complete, at: 2)
        series.streamCompleted(outcome: .truncated, at: 2)
        let samples = series.samples()
        #expect(samples.map(\.second) == [0, 1, 2], "empty seconds in between are kept")
        #expect(samples.map(\.bytes) == [1_500, 0, 7])
        #expect(samples.map(\.messages) == [3, 0, 0])
        #expect(samples[2].streamsCompleted == 2)
        #expect(samples[2].outcomes == ["complete": 2, "truncated": 1])
        #expect(samples[0].outcomes.isEmpty)
        #expect(samples.allSatisfy { $0.wakePollP99Micros == nil }, "no wake samples → nil, not 0")
    }

    @Test("merge adds second by second, whatever the lengths")
    func mergeBySecond() {
        var a = SeriesRecorder()
        var b = SeriesRecorder()
        var both = SeriesRecorder()
        for second in 0..<3 {
            a.record(bytes: 100 * (second + 1), at: second)
            both.record(bytes: 100 * (second + 1), at: second)
        }
        for second in 1..<6 {
            b.record(bytes: 10, at: second)
            b.streamCompleted(outcome: .reset, at: second)
            both.record(bytes: 10, at: second)
            both.streamCompleted(outcome: .reset, at: second)
        }
        a.merge(b)
        #expect(a.samples() == both.samples())
        #expect(a.samples().map(\.bytes) == [100, 210, 310, 10, 10, 10])
        var reversed = b
        reversed.merge(SeriesRecorder())
        #expect(reversed.samples() == b.samples(), "merging an empty series changes nothing")
    }

    @Test("per-second wakePoll p99 is the p99 of that second's values, within one 1/32-octave bucket")
    func wakeP99() throws {
        var series = SeriesRecorder()
        for micros in UInt64(1)...1_000 { series.wakePoll(nanoseconds: micros * 1_000, at: 0) }
        for _ in 0..<50 { series.wakePoll(nanoseconds: 40_000, at: 1) }
        let samples = series.samples()
        let p99 = try #require(samples[0].wakePollP99Micros)
        #expect(p99 >= 990 && p99 <= 990 * (1 + 1.0 / 32), "p99 of 1…1000 µs is 990 µs, got \(p99)")
        let steady = try #require(samples[1].wakePollP99Micros)
        #expect(steady >= 40 && steady <= 40 * (1 + 1.0 / 32), "got \(steady)")
    }

    @Test("wakePoll merges across workers as the union, not per worker")
    func wakeMergeIsUnion() throws {
        var fast = SeriesRecorder()
        var slow = SeriesRecorder()
        for _ in 0..<99 { fast.wakePoll(nanoseconds: 10_000, at: 3) }
        slow.wakePoll(nanoseconds: 5_000_000, at: 3)
        slow.wakePoll(nanoseconds: 5_000_000, at: 3)
        // Alone, `slow` has p99 = 5 ms and `fast` 10 µs; together 2 of 101 values are slow: rank 100 is slow.
        var merged = fast
        merged.merge(slow)
        let p99 = try #require(merged.samples()[3].wakePollP99Micros)
        #expect(p99 >= 5_000 && p99 <= 5_000 * (1 + 1.0 / 32), "got \(p99)")
        var oneSlow = SeriesRecorder()
        oneSlow.wakePoll(nanoseconds: 5_000_000, at: 3)
        var mergedOne = fast
        mergedOne.merge(oneSlow)
        let p99One = try #require(mergedOne.samples()[3].wakePollP99Micros)
        #expect(p99One >= 10 && p99One <= 10 * (1 + 1.0 / 32), "1 of 100 slow: rank 99 is fast, got \(p99One)")
    }

    @Test("a value for an earlier second (out of order) still lands in that second")
    func outOfOrderWake() throws {
        var inOrder = SeriesRecorder()
        var outOfOrder = SeriesRecorder()
        inOrder.wakePoll(nanoseconds: 20_000, at: 1)
        inOrder.wakePoll(nanoseconds: 30_000, at: 1)
        inOrder.wakePoll(nanoseconds: 70_000, at: 2)
        outOfOrder.wakePoll(nanoseconds: 20_000, at: 1)
        outOfOrder.wakePoll(nanoseconds: 70_000, at: 2)
        outOfOrder.wakePoll(nanoseconds: 30_000, at: 1)
        #expect(outOfOrder.samples() == inOrder.samples())
        let p99 = try #require(inOrder.samples()[1].wakePollP99Micros)
        #expect(p99 >= 30 && p99 <= 30 * (1 + 1.0 / 32))
    }

    @Test("negative seconds are ignored, seconds at the cap are counted and dropped, padding fills short series")
    func bounds() {
        var series = SeriesRecorder()
        series.record(bytes: 5, at: -1)
        series.wakePoll(nanoseconds: 1_000, at: -3)
        #expect(series.samples().isEmpty)
        #expect(series.recordsBeyondCap == 0)
        series.record(bytes: 5, at: SeriesRecorder.maxSeconds)
        series.wakePoll(nanoseconds: 1_000, at: SeriesRecorder.maxSeconds + 10)
        #expect(series.recordsBeyondCap == 2)
        #expect(series.samples().isEmpty)
        series.record(bytes: 1, at: SeriesRecorder.maxSeconds - 1)
        #expect(series.samples().count == SeriesRecorder.maxSeconds)
        #expect(series.samples(minimumSeconds: 10 * SeriesRecorder.maxSeconds).count == SeriesRecorder.maxSeconds)

        var short = SeriesRecorder()
        short.record(bytes: 1, at: 0)
        #expect(short.samples(minimumSeconds: 4).map(\.second) == [0, 1, 2, 3])
        var merged = SeriesRecorder()
        merged.merge(series)
        #expect(merged.recordsBeyondCap == 2)
    }

    @Test("values above 60 s are recorded as 60 s")
    func clamps() throws {
        var series = SeriesRecorder()
        series.wakePoll(nanoseconds: .max, at: 0)
        let p99 = try #require(series.samples()[0].wakePollP99Micros)
        #expect(p99 == 60_000_000)
    }
}

@Suite("SecondHistogram")
struct SecondHistogramTests {
    @Test("the dense current-second histogram stays small")
    func footprint() {
        #expect(SecondHistogram.makeDense().estimatedFootprintInBytes < 20_000)
    }

    @Test("compact merge equals one histogram of the union, and percentiles fall in the right 1/32-octave bucket")
    func compactMergeMatchesDense() {
        var values = SeededValues(seed: 11)
        var denseA = SecondHistogram.makeDense()
        var denseB = SecondHistogram.makeDense()
        var denseAll = SecondHistogram.makeDense()
        for n in 0..<5_000 {
            let value = values.latency(maxBits: 30)
            if n % 3 == 0 { denseA.record(value) } else { denseB.record(value) }
            denseAll.record(value)
        }
        var merged = SecondHistogram(denseA)
        merged.merge(SecondHistogram(denseB))
        #expect(merged == SecondHistogram(denseAll))
        #expect(merged.total == 5_000)
        // No growth slack (an appending merge kept up to twice the buckets). What malloc adds is
        // allowed: size-class rounding and an unsplit remainder of under 32 bytes (glibc), which
        // depends on the heap's state, not on the merge.
        let slackBytes = (merged.indices.capacity - merged.indices.count) * MemoryLayout<UInt16>.stride
            + (merged.counts.capacity - merged.counts.count) * MemoryLayout<UInt32>.stride
        #expect(merged.indices.count > 100, "enough buckets for a growth slack to show")
        #expect(slackBytes < 96, "a merge keeps no growth slack: \(merged.indices.count) buckets, capacities \(merged.indices.capacity) and \(merged.counts.capacity)")
        for percentile in [1.0, 50, 90, 99, 99.9] {
            let exact = denseAll.valueAtPercentile(percentile)
            let coarse = merged.nanoseconds(atPercentile: percentile)!
            // Same rank, coarser bucket: never below HdrHistogram's value, at most one bucket above it.
            #expect(coarse >= exact && Double(coarse) <= Double(exact) * (1 + 1.0 / 32) + 1, "p\(percentile): \(coarse) vs \(exact)")
        }
        #expect(SecondHistogram().nanoseconds(atPercentile: 99) == nil)
    }

    @Test("bucket layout: exact below 64 ns, 32 buckets per octave above, each value inside its bucket")
    func layout() {
        for value in [UInt64(0), 1, 63, 64, 65, 127, 128, 131, 132, 1_000, 999_999, 1_000_000, 60_000_000_000] {
            let index = SecondHistogram.index(of: value)
            let high = SecondHistogram.highestValue(of: index)
            #expect(high >= value, "\(value) → bucket \(index) tops at \(high)")
            if index > 0 { #expect(SecondHistogram.highestValue(of: index - 1) < value, "\(value) belongs to no lower bucket") }
            if value >= 64 { #expect(Double(high - value) <= Double(value) / 32, "\(value): width \(high - value)") } else { #expect(high == value) }
        }
        #expect(SecondHistogram.index(of: SecondHistogram.highestTrackableNanoseconds) < 1_024)
    }

    @Test("a second spread over three decades holds at most 2 KB")
    func compactFootprint() {
        var dense = SecondHistogram.makeDense()
        var value: UInt64 = 10_000
        while value < 10_000_000 { dense.record(value); value += value / 200 + 1 }
        let second = SecondHistogram(dense)
        #expect(second.heapBytes <= 2_048, "\(second.heapBytes) bytes")
        #expect(second.indices.count >= 300, "every bucket of the spread is used: \(second.indices.count)")
    }
}
