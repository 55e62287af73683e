import Histogram
import Testing
@testable import H2Results

/// ``LatencyHistogram`` records by hand into the library's bucket layout: every figure must be
/// what hdrhistogram-swift itself gives for the same values (the ground truth here).
@Suite("LatencyHistogram against hdrhistogram-swift")
struct LatencyHistogramLibraryTests {
    /// The library histogram of these settings with `values` recorded, and ours.
    static func both(_ values: [UInt64]) -> (library: Histogram<UInt64>, ours: LatencyHistogram) {
        var library = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: LatencyHistogram.highestTrackableNanoseconds,
                                        numberOfSignificantValueDigits: .three)
        var ours = LatencyHistogram()
        for value in values {
            library.record(min(value, LatencyHistogram.highestTrackableNanoseconds))
            ours.record(nanoseconds: value)
        }
        return (library, ours)
    }

    /// Every bucket boundary of the layout, both sides of it, and the extremes.
    static var edges: [UInt64] {
        var values: [UInt64] = [0, 1, 2, 1_023, 1_024, 1_999, 2_000, 2_047, 2_048, 2_049, 4_095, 4_096]
        for bit in 11...42 {
            let power = UInt64(1) << UInt64(bit)
            values += [power - 1, power, power + 1, power + power / 3]
        }
        return values + [LatencyHistogram.highestTrackableNanoseconds - 1, LatencyHistogram.highestTrackableNanoseconds, .max]
    }

    @Test("same buckets, total, min, max, percentiles and mean as the library, for every bucket edge and 200,000 seeded values")
    func matchesTheLibrary() {
        var seeded = SeededValues(seed: 77)
        let cases: [[UInt64]] = [
            Self.edges, (0..<200_000).map { _ in seeded.latency(maxBits: 43) }, [5], [0, 0], [],
        ]
        for values in cases {
            let (library, ours) = Self.both(values)
            let built = ours.histogram
            #expect(built == library, "\(values.count) values")
            #expect(ours.count == library.totalCount && built.totalCount == library.totalCount)
            guard !values.isEmpty else { continue }
            #expect(built.min == library.min && built.maxRecorded == library.maxRecorded)
            for percentile in [0.0, 0.1, 1, 10, 50, 90, 99, 99.9, 99.99, 100] {
                #expect(ours.nanoseconds(atPercentile: percentile) == library.valueAtPercentile(percentile), "p\(percentile)")
            }
            #expect(built.mean == library.mean && ours.meanNanoseconds == library.mean)
            #expect(ours.recordedBuckets().map(\.count) == library.recordedValues().map(\.count))
            #expect(ours.recordedBuckets().map(\.nanoseconds) == library.recordedValues().map(\.value))
        }
    }

    @Test("merge adds every bucket and keeps the exact extremes of both")
    func mergeIsTheUnion() {
        var seeded = SeededValues(seed: 5)
        let a = (0..<10_000).map { _ in seeded.latency(maxBits: 30) }
        let b = (0..<7_000).map { _ in seeded.latency(maxBits: 40) } + [0]
        var merged = Self.both(a).ours
        merged.merge(Self.both(b).ours)
        let (library, union) = Self.both(a + b)
        #expect(merged == union)
        #expect(merged.histogram == library && merged.count == 17_001)
        #expect(merged.summary() == union.summary())
    }

    @Test("the largest trackable value lands inside the bucket array, in its last bucket")
    func layoutHoldsTheLargestValue() {
        let last = LatencyHistogram.index(of: LatencyHistogram.highestTrackableNanoseconds)
        #expect(last < LatencyHistogram.countsLength)
        #expect(last >= LatencyHistogram.countsLength - LatencyHistogram.subBucketHalfCount)
    }
}
