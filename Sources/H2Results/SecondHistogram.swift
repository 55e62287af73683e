import Histogram

/// A sparse latency distribution for one second of a ``SeriesRecorder``: the non-empty buckets of the
/// series' small HdrHistogram layout (2 significant digits, i.e. ≤ 1% relative error, 1 ns … 60 s), as sorted (value, count) pairs.
///
/// A dense histogram of that layout takes ≈ 15 KB; a second with a typical spread of wake latencies has a
/// few dozen buckets, so finished seconds are kept in this form and only the current second is dense.
///
/// Invariants: ``values`` strictly increasing (each the highest value equivalent to its bucket), every
/// count > 0, ``total`` = the sum of ``counts``, ``maximum`` = the largest value recorded (exact).
struct SecondHistogram: Sendable, Equatable {
    /// The dense layout: values in ns, 2 significant digits, 1 ns lowest discernible, 60 s highest.
    static func makeDense() -> Histogram<UInt32> {
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highestTrackableNanoseconds,
                          numberOfSignificantValueDigits: .two)
    }

    /// The largest value kept; larger ones are recorded as this (60 s).
    static let highestTrackableNanoseconds: UInt64 = 60_000_000_000

    private(set) var values: [UInt64] = []
    private(set) var counts: [UInt64] = []
    private(set) var total: UInt64 = 0
    private(set) var maximum: UInt64 = 0

    /// Empty.
    init() {}

    /// The non-empty buckets of `dense`.
    init(_ dense: Histogram<UInt32>) {
        for bucket in dense.recordedValues() {
            values.append(bucket.value)
            counts.append(UInt64(bucket.count))
        }
        total = dense.totalCount
        maximum = dense.maxRecorded
    }

    /// Adds one value whose bucket's highest equivalent value is `bucketValue` (slow path: out-of-order seconds).
    mutating func add(bucketValue: UInt64, nanoseconds: UInt64) {
        merge(SecondHistogram(values: [bucketValue], counts: [1], total: 1, maximum: nanoseconds))
    }

    /// Adds every bucket of `other`.
    mutating func merge(_ other: SecondHistogram) {
        guard other.total > 0 else { return }
        guard total > 0 else { self = other; return }
        var mergedValues: [UInt64] = []
        var mergedCounts: [UInt64] = []
        mergedValues.reserveCapacity(values.count + other.values.count)
        mergedCounts.reserveCapacity(values.count + other.values.count)
        var i = 0
        var j = 0
        while i < values.count || j < other.values.count {
            if j == other.values.count || (i < values.count && values[i] < other.values[j]) {
                mergedValues.append(values[i]); mergedCounts.append(counts[i]); i += 1
            } else if i == values.count || other.values[j] < values[i] {
                mergedValues.append(other.values[j]); mergedCounts.append(other.counts[j]); j += 1
            } else {
                mergedValues.append(values[i]); mergedCounts.append(counts[i] + other.counts[j]); i += 1; j += 1
            }
        }
        values = mergedValues
        counts = mergedCounts
        total += other.total
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The value at `percentile` (0 < p < 100) in ns, computed as HdrHistogram does (the highest value
    /// equivalent to the bucket holding that rank, capped at the exact maximum); `nil` when empty.
    func nanoseconds(atPercentile percentile: Double) -> UInt64? {
        guard total > 0 else { return nil }
        let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
        let rank = Swift.max(1, UInt64((requested * Double(total) / 100).rounded(.up)))
        var seen: UInt64 = 0
        for (value, count) in zip(values, counts) {
            seen += count
            if seen >= rank { return Swift.min(value, maximum) }
        }
        return maximum
    }

    private init(values: [UInt64], counts: [UInt64], total: UInt64, maximum: UInt64) {
        self.values = values
        self.counts = counts
        self.total = total
        self.maximum = maximum
    }
}
