import Histogram

/// A nanosecond-valued HdrHistogram (3 significant digits, tracking 1 ns … 1 hour).
///
/// Recording is hand-written: the bucket counts are kept here, in exactly the layout of
/// hdrhistogram-swift's `Histogram` for these settings, and a library `Histogram` is built from
/// them for every query (``histogram``: percentiles, mean, encoding, equality). The library's
/// `record` cost about 100 instructions per value (it passes the whole histogram by value to
/// helpers that are not inlined, by callgrind) and runs for every stream and DATA chunk;
/// this one is a leading-zero count, two shifts and an increment. Queries run a few times per
/// cell; building the library histogram walks the 33,792 buckets once.
///
/// Threading: owned by one worker thread while a cell runs; crosses threads only as a value
/// at join, where the per-thread histograms are merged with ``merge(_:)``.
///
/// Invariants: values above ``highestTrackableNanoseconds`` are recorded as that value (and
/// counted), so ``count`` always equals the number of ``record(nanoseconds:)`` calls; `counts`
/// sums to ``count``; `minValue` and `maxValue` are the exact extremes recorded (`UInt64.max`
/// and 0 while empty). Recording does not allocate: the bucket array (≈ 270 KB) is allocated
/// once in ``init()``.
public struct LatencyHistogram: Sendable, Equatable {
    /// The largest value tracked exactly to 3 significant digits: one hour in nanoseconds.
    public static let highestTrackableNanoseconds: UInt64 = 3_600_000_000_000
    /// Significant decimal digits the buckets keep.
    static let significantDigits = SignificantDigits.three

    // The layout of `Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 3.6·10¹²,
    // numberOfSignificantValueDigits: .three)`: 2,048 sub-buckets (values below 2,000 are exact),
    // unit magnitude 0, 32 buckets. `LatencyHistogramTests` checks it against the library.
    /// log2 of half the sub-bucket count.
    @usableFromInline static let subBucketHalfCountMagnitude = 10
    /// Half the sub-bucket count.
    @usableFromInline static let subBucketHalfCount = 1 << subBucketHalfCountMagnitude
    /// Values up to this share bucket 0.
    @usableFromInline static let subBucketMask: UInt64 = (1 << (subBucketHalfCountMagnitude + 1)) - 1
    /// 64 − unit magnitude − subBucketHalfCountMagnitude − 1.
    @usableFromInline static let leadingZeroCountBase = 64 - subBucketHalfCountMagnitude - 1
    /// Bucket count × half the sub-bucket count, plus one bucket's half.
    @usableFromInline static let countsLength = (32 + 1) * subBucketHalfCount

    /// Counts per bucket, indexed as the library indexes them.
    @usableFromInline var counts: [UInt64]
    /// Number of recorded values.
    public var count: UInt64 { recorded }
    @usableFromInline var recorded: UInt64 = 0
    /// The exact smallest and largest values recorded.
    @usableFromInline var minValue = UInt64.max
    @usableFromInline var maxValue: UInt64 = 0

    /// An empty histogram.
    public init() {
        counts = [UInt64](repeating: 0, count: Self.countsLength)
    }

    /// The bucket of `value` (≤ ``highestTrackableNanoseconds``), as the library computes it.
    @inlinable @inline(__always)
    static func index(of value: UInt64) -> Int {
        let bucket = leadingZeroCountBase &- (value | subBucketMask).leadingZeroBitCount
        let subBucket = Int(truncatingIfNeeded: value >> UInt64(bucket))
        return (bucket &+ 1) << subBucketHalfCountMagnitude &+ (subBucket &- subBucketHalfCount)
    }

    /// The lowest value of bucket `index`.
    static func lowestValue(ofIndex index: Int) -> UInt64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var subBucket = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            subBucket -= subBucketHalfCount
            bucket = 0
        }
        return UInt64(subBucket) << UInt64(bucket)
    }

    /// Records one value in nanoseconds; values above one hour are clamped to one hour.
    @inlinable
    public mutating func record(nanoseconds: UInt64) {
        record(nanoseconds: nanoseconds, count: 1)
    }

    /// Records `count` values of `nanoseconds` each (clamped to one hour).
    @inlinable
    public mutating func record(nanoseconds: UInt64, count n: UInt64) {
        let value = nanoseconds < Self.highestTrackableNanoseconds ? nanoseconds : Self.highestTrackableNanoseconds
        let index = Self.index(of: value)
        counts.withUnsafeMutableBufferPointer { $0[index] &+= n }
        recorded &+= n
        if value < minValue { minValue = value }
        if value > maxValue { maxValue = value }
    }

    /// Whether two values fall in the same bucket.
    static func sameBucket(_ a: UInt64, _ b: UInt64) -> Bool {
        index(of: Swift.min(a, highestTrackableNanoseconds)) == index(of: Swift.min(b, highestTrackableNanoseconds))
    }

    /// The library histogram of these values: every bucket's count, with the exact minimum and
    /// maximum (``replay(_:minimum:maximum:_:)``), so its count, min, max, percentiles and mean
    /// are those of the values recorded. Walks every bucket.
    var histogram: Histogram<UInt64> {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: Self.highestTrackableNanoseconds,
                                  numberOfSignificantValueDigits: Self.significantDigits)
        Self.replay(recordedBuckets(), minimum: minValue, maximum: maxValue) { h.record($0, count: $1) }
        return h
    }

    /// Hands `record` values that rebuild `buckets` (non-empty, in increasing order, each with a
    /// value in its bucket) with the exact `minimum` (in the first) and `maximum` (in the last):
    /// those two once each, every other value of a bucket at its value clamped to them. The
    /// result has the same buckets, count, extremes, percentiles and mean.
    static func replay(_ buckets: [(nanoseconds: UInt64, count: UInt64)], minimum: UInt64, maximum: UInt64,
                       _ record: (_ value: UInt64, _ count: UInt64) -> Void) {
        for (index, bucket) in buckets.enumerated() {
            var n = bucket.count
            if index == 0 {
                record(minimum, 1)
                n -= 1
            }
            if index == buckets.count - 1, n > 0 {
                record(maximum, 1)
                n -= 1
            }
            if n > 0 { record(Swift.min(Swift.max(bucket.nanoseconds, minimum), maximum), n) }
        }
    }

    /// Equal when both hold the same counts in the same buckets (HdrHistogram equality: the
    /// same total, and the same max and lowest non-zero value to bucket precision, follow).
    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.count == rhs.count && lhs.counts == rhs.counts
    }

    /// Adds every value recorded in `other` to this histogram (lossless; the result is the union).
    public mutating func merge(_ other: LatencyHistogram) {
        guard other.count > 0 else { return }
        counts.withUnsafeMutableBufferPointer { mine in
            other.counts.withUnsafeBufferPointer { theirs in
                for i in 0..<mine.count { mine[i] &+= theirs[i] }
            }
        }
        recorded &+= other.count
        minValue = Swift.min(minValue, other.minValue)
        maxValue = Swift.max(maxValue, other.maxValue)
    }

    /// The value at `percentile` (0…100) in nanoseconds, to histogram precision; 0 when empty.
    public func nanoseconds(atPercentile percentile: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(percentile)
    }

    /// The width of bucket `index`'s value range (its values share one count).
    static func bucketWidth(ofIndex index: Int) -> UInt64 {
        UInt64(1) << UInt64(Swift.max(0, (index >> subBucketHalfCountMagnitude) - 1))
    }

    /// Every non-empty bucket in increasing value order: the bucket's highest equivalent value (ns,
    /// within 0.1 % of every value counted in it) and how many values it holds. Read from the
    /// counts (the library's generic iterator looked up type metadata per bucket).
    public func recordedBuckets() -> [(nanoseconds: UInt64, count: UInt64)] {
        var result: [(nanoseconds: UInt64, count: UInt64)] = []
        guard count > 0 else { return result }
        counts.withUnsafeBufferPointer { buckets in
            for index in Self.index(of: minValue)...Self.index(of: maxValue) where buckets[index] > 0 {
                result.append((Self.lowestValue(ofIndex: index) + Self.bucketWidth(ofIndex: index) - 1, buckets[index]))
            }
        }
        return result
    }

    /// The mean in nanoseconds as HdrHistogram computes it (each bucket's values at the middle
    /// of its range, summed in increasing order), from the counts: the library's `mean` walks
    /// its buckets through generic code that looked up type metadata per bucket (tens of ms per
    /// cell at the end of a run, by callgrind).
    var meanNanoseconds: Double {
        guard count > 0 else { return 0 }
        var total: Double = 0
        counts.withUnsafeBufferPointer { buckets in
            for index in Self.index(of: minValue)...Self.index(of: maxValue) where buckets[index] > 0 {
                let median = Self.lowestValue(ofIndex: index) + (Self.bucketWidth(ofIndex: index) >> 1)
                total += Double(median) * Double(buckets[index])
            }
        }
        return total / Double(count)
    }

    /// Count, exact min and max, p50/p90/p99/p99.9 and mean, converted to microseconds.
    public func summary() -> LatencySummary {
        guard count > 0 else { return .empty }
        let histogram = histogram
        return LatencySummary(
            count: count,
            min: Self.microseconds(histogram.min),
            p50: Self.microseconds(histogram.valueAtPercentile(50)),
            p90: Self.microseconds(histogram.valueAtPercentile(90)),
            p99: Self.microseconds(histogram.valueAtPercentile(99)),
            p999: Self.microseconds(histogram.valueAtPercentile(99.9)),
            max: Self.microseconds(histogram.maxRecorded),
            mean: meanNanoseconds.rounded() / 1000
        )
    }

    private static func microseconds(_ nanoseconds: UInt64) -> Double {
        Double(nanoseconds) / 1000
    }
}
