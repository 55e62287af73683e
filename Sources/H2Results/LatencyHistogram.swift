import Histogram

/// A nanosecond-valued HdrHistogram (3 significant digits, tracking 1 ns … 1 hour).
///
/// Threading: owned by one worker thread while a cell runs; crosses threads only as a value
/// at join, where the per-thread histograms are merged with ``merge(_:)``.
///
/// Invariants: values above ``highestTrackableNanoseconds`` are recorded as that value (and
/// counted), so ``count`` always equals the number of ``record(nanoseconds:)`` calls.
/// Recording does not allocate: the bucket array (≈ 270 KB) is allocated once in ``init()``.
public struct LatencyHistogram: Sendable, Equatable {
    /// The largest value tracked exactly to 3 significant digits: one hour in nanoseconds.
    public static let highestTrackableNanoseconds: UInt64 = 3_600_000_000_000
    /// Significant decimal digits the buckets keep.
    static let significantDigits = SignificantDigits.three

    @usableFromInline var histogram: Histogram<UInt64>

    /// An empty histogram.
    public init() {
        histogram = Histogram<UInt64>(
            lowestDiscernibleValue: 1,
            highestTrackableValue: Self.highestTrackableNanoseconds,
            numberOfSignificantValueDigits: Self.significantDigits
        )
    }

    /// Records one value in nanoseconds; values above one hour are clamped to one hour.
    @inlinable
    public mutating func record(nanoseconds: UInt64) {
        histogram.record(nanoseconds < Self.highestTrackableNanoseconds ? nanoseconds : Self.highestTrackableNanoseconds)
    }

    /// Equal when both hold the same counts in the same buckets, the same total, and the same
    /// max and lowest non-zero value to bucket precision (HdrHistogram equality).
    public static func == (lhs: LatencyHistogram, rhs: LatencyHistogram) -> Bool {
        lhs.histogram == rhs.histogram
    }

    /// Adds every value recorded in `other` to this histogram (lossless; the result is the union).
    public mutating func merge(_ other: LatencyHistogram) {
        histogram.add(other.histogram)
    }

    /// Number of recorded values.
    public var count: UInt64 { histogram.totalCount }

    /// The value at `percentile` (0…100) in nanoseconds, to histogram precision; 0 when empty.
    public func nanoseconds(atPercentile percentile: Double) -> UInt64 {
        count == 0 ? 0 : histogram.valueAtPercentile(percentile)
    }

    /// Every non-empty bucket in increasing value order: the bucket's highest equivalent value (ns,
    /// within 0.1 % of every value counted in it) and how many values it holds.
    public func recordedBuckets() -> [(nanoseconds: UInt64, count: UInt64)] {
        histogram.recordedValues().map { (nanoseconds: $0.value, count: $0.count) }
    }

    /// Count, exact min and max, p50/p90/p99/p99.9 and mean, converted to microseconds.
    public func summary() -> LatencySummary {
        guard count > 0 else { return .empty }
        return LatencySummary(
            count: count,
            min: Self.microseconds(histogram.min),
            p50: Self.microseconds(histogram.valueAtPercentile(50)),
            p90: Self.microseconds(histogram.valueAtPercentile(90)),
            p99: Self.microseconds(histogram.valueAtPercentile(99)),
            p999: Self.microseconds(histogram.valueAtPercentile(99.9)),
            max: Self.microseconds(histogram.maxRecorded),
            mean: (histogram.mean).rounded() / 1000
        )
    }

    private static func microseconds(_ nanoseconds: UInt64) -> Double {
        Double(nanoseconds) / 1000
    }
}
