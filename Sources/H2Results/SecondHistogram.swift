import Histogram

/// A compact latency distribution for one finished second of a ``SeriesRecorder``: the non-empty
/// buckets of a fixed log-linear layout with 32 buckets per octave (a bucket's width is at most
/// 1/32 ≈ 3.1 % of its values; values below 64 ns are exact), as sorted (bucket index, count) pairs
/// of 6 bytes.
///
/// Why not the HdrHistogram buckets: a series keeps one of these per second for up to an hour,
/// and a second of wake latencies spread over three decades fills about 1,000 two-digit HdrHistogram
/// buckets (16 KB as (value, count) pairs of UInt64), about 60 MB per hour of run; this layout
/// keeps at most 320 buckets (≈ 2 KB) for the same spread. The per-second p99 is a time series
/// for charts; the cell's own `wakePoll` histogram keeps HdrHistogram's precision.
///
/// Invariants: ``indices`` strictly increasing, every count > 0, ``total`` = the sum of
/// ``counts``, ``maximum`` = the largest value recorded (exact). Arrays are built at their exact
/// size (no growth slack).
struct SecondHistogram: Sendable, Equatable {
    /// The dense layout of the current second: values in ns, 2 significant digits, 1 ns lowest
    /// discernible, 60 s highest.
    static func makeDense() -> Histogram<UInt32> {
        Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: highestTrackableNanoseconds,
                          numberOfSignificantValueDigits: .two)
    }

    /// The largest value kept; larger ones are recorded as this (60 s).
    static let highestTrackableNanoseconds: UInt64 = 60_000_000_000

    /// Buckets per octave above the exact range: 2^subBucketBits.
    static let subBucketBits = 5
    /// Values below this are their own bucket.
    static let exactBelow: UInt64 = 1 << (subBucketBits + 1)

    private(set) var indices: [UInt16] = []
    private(set) var counts: [UInt32] = []
    private(set) var total: UInt64 = 0
    private(set) var maximum: UInt64 = 0

    /// Empty.
    init() {}

    /// The buckets of `dense` (each HdrHistogram bucket lands in the coarse bucket of its highest
    /// equivalent value, which is never wider than a coarse bucket).
    init(_ dense: Histogram<UInt32>) {
        var pairs: [(UInt16, UInt32)] = []
        for bucket in dense.recordedValues() {
            let index = Self.index(of: bucket.value)
            if let last = pairs.last, last.0 == index {
                pairs[pairs.count - 1].1 = last.1 &+ UInt32(truncatingIfNeeded: bucket.count)
            } else {
                pairs.append((index, UInt32(truncatingIfNeeded: bucket.count)))
            }
        }
        indices = pairs.map(\.0)
        counts = pairs.map(\.1)
        total = dense.totalCount
        maximum = dense.maxRecorded
    }

    /// The coarse bucket of `value` ns.
    static func index(of value: UInt64) -> UInt16 {
        guard value >= exactBelow else { return UInt16(value) }
        let octave = 63 - value.leadingZeroBitCount            // ≥ subBucketBits + 1
        let shift = octave - subBucketBits
        let mantissa = Int(value >> UInt64(shift))             // 32…63
        return UInt16(Int(exactBelow) + (octave - subBucketBits - 1) << subBucketBits + mantissa - (1 << subBucketBits))
    }

    /// The highest value in bucket `index`, ns.
    static func highestValue(of index: UInt16) -> UInt64 {
        let i = Int(index)
        guard i >= Int(exactBelow) else { return UInt64(i) }
        let step = (i - Int(exactBelow)) >> subBucketBits
        let mantissa = UInt64((i - Int(exactBelow)) & ((1 << subBucketBits) - 1) + (1 << subBucketBits))
        let shift = UInt64(step + 1)
        return ((mantissa + 1) << shift) - 1
    }

    /// Adds one value of `nanoseconds` (slow path: out-of-order seconds).
    mutating func add(nanoseconds: UInt64) {
        merge(SecondHistogram(indices: [Self.index(of: nanoseconds)], counts: [1], total: 1, maximum: nanoseconds))
    }

    /// Adds every bucket of `other`.
    mutating func merge(_ other: SecondHistogram) {
        guard other.total > 0 else { return }
        guard total > 0 else { self = other; return }
        var mergedIndices: [UInt16] = []
        var mergedCounts: [UInt32] = []
        mergedIndices.reserveCapacity(indices.count + other.indices.count)
        mergedCounts.reserveCapacity(indices.count + other.indices.count)
        var i = 0
        var j = 0
        while i < indices.count || j < other.indices.count {
            if j == other.indices.count || (i < indices.count && indices[i] < other.indices[j]) {
                mergedIndices.append(indices[i]); mergedCounts.append(counts[i]); i += 1
            } else if i == indices.count || other.indices[j] < indices[i] {
                mergedIndices.append(other.indices[j]); mergedCounts.append(other.counts[j]); j += 1
            } else {
                mergedIndices.append(indices[i]); mergedCounts.append(counts[i] &+ other.counts[j]); i += 1; j += 1
            }
        }
        // Exact size: a series keeps thousands of these.
        indices = Self.exactCopy(mergedIndices)
        counts = Self.exactCopy(mergedCounts)
        total += other.total
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The value at `percentile` (0 < p < 100) in ns: the highest value of the bucket holding that
    /// rank (counted as HdrHistogram does), capped at the exact maximum; `nil` when empty.
    func nanoseconds(atPercentile percentile: Double) -> UInt64? {
        guard total > 0 else { return nil }
        let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
        let rank = Swift.max(1, UInt64((requested * Double(total) / 100).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in zip(indices, counts) {
            seen += UInt64(count)
            if seen >= rank { return Swift.min(Self.highestValue(of: index), maximum) }
        }
        return maximum
    }

    /// `array` in storage of its own size (`Array(array[...])` would share the larger buffer).
    private static func exactCopy<T>(_ array: [T]) -> [T] {
        guard array.capacity > array.count else { return array }
        return [T](unsafeUninitializedCapacity: array.count) { buffer, count in
            _ = buffer.initialize(from: array)
            count = array.count
        }
    }

    /// Heap bytes held by the bucket arrays (payload only).
    var heapBytes: Int { indices.capacity * MemoryLayout<UInt16>.stride + counts.capacity * MemoryLayout<UInt32>.stride }

    private init(indices: [UInt16], counts: [UInt32], total: UInt64, maximum: UInt64) {
        self.indices = indices
        self.counts = counts
        self.total = total
        self.maximum = maximum
    }
}
