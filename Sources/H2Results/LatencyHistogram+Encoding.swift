import Foundation
import Histogram

/// The compact, lossless text form of a ``LatencyHistogram`` kept in `run.json` (`histograms`), so cells
/// and runs can be merged exactly later.
///
/// Format `hdr1:<base64>`; the base64 (standard alphabet, padded) holds unsigned LEB128 varints:
///
/// 1. layout: significant digits (3), lowest discernible value (1), highest trackable value (3.6·10¹² ns);
/// 2. total count, exact minimum, exact maximum (ns; 0, 0 when empty);
/// 3. one pair per non-empty bucket, in increasing value order: the bucket's highest equivalent value as a
///    delta from the previous pair's value (from 0 for the first), then the bucket's count.
///
/// Decoding restores every bucket count, the exact minimum and maximum, hence identical count, min, max,
/// percentiles and mean. (Only the exact lowest *non-zero* value is lost when a zero was recorded; it is
/// kept to bucket precision, which is all HdrHistogram equality and the summary look at.)
extension LatencyHistogram {
    /// The version prefix of ``encoded()``.
    public static let encodingPrefix = "hdr1:"

    /// This histogram in the `hdr1:` form described on the extension; typically a few bytes per non-empty bucket.
    public func encoded() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        VarInt.append(UInt64(Self.significantDigits.rawValue), to: &bytes)
        VarInt.append(1, to: &bytes)  // lowest discernible value
        VarInt.append(Self.highestTrackableNanoseconds, to: &bytes)
        VarInt.append(count, to: &bytes)
        VarInt.append(count == 0 ? 0 : minValue, to: &bytes)
        VarInt.append(count == 0 ? 0 : maxValue, to: &bytes)
        var previous: UInt64 = 0
        for bucket in recordedBuckets() {
            VarInt.append(bucket.nanoseconds - previous, to: &bytes)
            VarInt.append(bucket.count, to: &bytes)
            previous = bucket.nanoseconds
        }
        return Self.encodingPrefix + Data(bytes).base64EncodedString()
    }

    /// Decodes the form written by ``encoded()``; `nil` when the text is not in that form, was written
    /// with another bucket layout, or is inconsistent (counts not adding up to the total, min or max
    /// outside the first or last bucket, values not increasing).
    public init?(encoded text: String) {
        guard text.hasPrefix(Self.encodingPrefix),
              let data = Data(base64Encoded: String(text.dropFirst(Self.encodingPrefix.count))) else { return nil }
        let bytes = [UInt8](data)
        var offset = 0
        func next() -> UInt64? { VarInt.read(bytes, at: &offset) }
        guard next() == UInt64(Self.significantDigits.rawValue), next() == 1,
              next() == Self.highestTrackableNanoseconds,
              let total = next(), let minimum = next(), let maximum = next(), minimum <= maximum,
              maximum <= Self.highestTrackableNanoseconds else { return nil }

        var buckets: [(nanoseconds: UInt64, count: UInt64)] = []
        var value: UInt64 = 0
        var sum: UInt64 = 0
        while offset < bytes.count {
            guard let delta = next(), let count = next(), count > 0 else { return nil }
            guard buckets.isEmpty || delta > 0 else { return nil }
            let (advanced, overflow) = value.addingReportingOverflow(delta)
            let (added, countOverflow) = sum.addingReportingOverflow(count)
            guard !overflow, !countOverflow else { return nil }
            value = advanced
            sum = added
            buckets.append((value, count))
        }
        self.init()
        guard sum == total else { return nil }
        guard let first = buckets.first, let last = buckets.last else {
            guard minimum == 0, maximum == 0 else { return nil }
            return
        }
        guard Self.sameBucket(first.nanoseconds, minimum), Self.sameBucket(last.nanoseconds, maximum),
              total > 1 || minimum == maximum else { return nil }
        // Every bucket gets its count; the first bucket's first value is the exact minimum and the last
        // bucket's last value the exact maximum, so min/max (and with them the clamped percentiles) match.
        Self.replay(buckets, minimum: minimum, maximum: maximum) { record(nanoseconds: $0, count: $1) }
    }
}
