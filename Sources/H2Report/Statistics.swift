import Foundation
import H2Wire

/// Small-sample statistics for comparing repeats: median, a seeded bootstrap confidence interval of the
/// median, and the two-sided Mann–Whitney U test.
///
/// Everything is deterministic: the bootstrap uses ``SplitMix64`` with a fixed seed, so the same samples
/// always give the same interval (reports are golden-testable).
public enum Statistics {
    /// The significance level used for every verdict.
    public static let alpha = 0.05
    /// Bootstrap resamples for ``bootstrapMedianInterval(_:confidence:resamples:seed:)``.
    public static let bootstrapResamples = 2_000
    /// Seed of the bootstrap's generator.
    public static let bootstrapSeed: UInt64 = 0x5EED_B007

    /// The name of the test, as reports print it.
    public static let testDescription = "two-sided Mann–Whitney U test (exact without ties when a side has ≤ 8 values, else normal approximation with tie and continuity correction), alpha 0.05"

    /// The median (mean of the two middle values for an even count); `nil` for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The `q` quantile (0…1) of sorted values, linear interpolation between closest ranks (numpy's default).
    static func quantile(sorted: [Double], _ q: Double) -> Double {
        precondition(!sorted.isEmpty, "BUG DETECTED: quantile of no values")
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        let weight = position - Double(low)
        return sorted[low] + (sorted[high] - sorted[low]) * weight
    }

    /// Percentile bootstrap interval of the median: `resamples` resamples with replacement drawn by a
    /// ``SplitMix64`` seeded with `seed`, the interval between the (1 − confidence)/2 and (1 + confidence)/2
    /// quantiles of their medians. `nil` with fewer than 2 values (no interval can be claimed).
    public static func bootstrapMedianInterval(
        _ values: [Double], confidence: Double = 0.95, resamples: Int = bootstrapResamples, seed: UInt64 = bootstrapSeed
    ) -> ClosedRange<Double>? {
        guard values.count >= 2, resamples > 0 else { return nil }
        var generator = SplitMix64(seed: seed)
        var medians: [Double] = []
        medians.reserveCapacity(resamples)
        var resample = [Double](repeating: 0, count: values.count)
        let count = UInt64(values.count)
        for _ in 0..<resamples {
            for index in resample.indices { resample[index] = values[Int(generator.next() % count)] }
            medians.append(median(resample)!)
        }
        medians.sort()
        let tail = (1 - confidence) / 2
        return quantile(sorted: medians, tail)...quantile(sorted: medians, 1 - tail)
    }
}
