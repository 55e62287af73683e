import Foundation

extension Statistics {
    /// The result of a two-sided Mann–Whitney U test of samples `x` and `y`.
    public struct MannWhitney: Sendable, Equatable {
        /// How the p-value was computed.
        public enum Method: String, Sendable, Equatable {
            /// The exact null distribution of U (no ties, one side with ≤ 8 values).
            case exact
            /// Normal approximation with tie correction and continuity correction.
            case asymptotic
        }

        /// U of the first sample (`x`): the number of pairs (x_i, y_j) with x_i > y_j, ties counting ½.
        public var u1: Double
        /// Two-sided p-value, clipped to 1.
        public var p: Double
        /// How ``p`` was computed.
        public var method: Method
        /// Sample sizes.
        public var n1: Int, n2: Int

        /// True when `x` tends to be larger than `y` (U1 above its null mean n1·n2/2).
        public var firstTendsLarger: Bool { u1 > Double(n1 * n2) / 2 }
    }

    /// Two-sided Mann–Whitney U test, following `scipy.stats.mannwhitneyu(x, y, method="auto")`: exact when
    /// there are no ties and not both samples have more than 8 values, else the normal approximation with tie
    /// correction and continuity correction. `nil` when a sample is empty.
    public static func mannWhitneyU(_ x: [Double], _ y: [Double]) -> MannWhitney? {
        let n1 = x.count, n2 = y.count
        guard n1 > 0, n2 > 0 else { return nil }
        // Average ranks over the pooled sample.
        let pooled = (x.map { ($0, true) } + y.map { ($0, false) }).sorted { $0.0 < $1.0 }
        var rankSumX = 0.0
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let rank = Double(start + end + 2) / 2
            let size = Double(end - start + 1)
            tieTerm += size * size * size - size
            for index in start...end where pooled[index].1 { rankSumX += rank }
            start = end + 1
        }
        let u1 = rankSumX - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let u = max(u1, u2)
        let hasTies = tieTerm > 0
        if !(n1 > 8 && n2 > 8), !hasTies {
            let p = min(1, 2 * exactUpperTail(Int(u.rounded()), n1, n2))
            return MannWhitney(u1: u1, p: p, method: .exact, n1: n1, n2: n2)
        }
        let n = Double(n1 + n2)
        let mean = Double(n1 * n2) / 2
        let sigma = (Double(n1 * n2) / 12 * ((n + 1) - tieTerm / (n * (n - 1)))).squareRoot()
        let p: Double
        if sigma > 0 {
            let z = (u - mean - 0.5) / sigma
            p = min(1, 2 * normalUpperTail(z))
        } else {
            p = 1  // every value equal: no evidence of a difference
        }
        return MannWhitney(u1: u1, p: p, method: .asymptotic, n1: n1, n2: n2)
    }

    /// The smallest two-sided p-value the exact test can give for these sample sizes (all of one sample
    /// above all of the other): 2 / C(n1 + n2, n1). With 3 vs 3 it is 0.1, so alpha 0.05 cannot be reached.
    public static func smallestTwoSidedP(_ n1: Int, _ n2: Int) -> Double {
        guard n1 > 0, n2 > 0 else { return 1 }
        var combinations = 1.0
        for i in 0..<min(n1, n2) { combinations = combinations * Double(n1 + n2 - i) / Double(i + 1) }
        return min(1, 2 / combinations)
    }

    /// P(U ≥ k) under the null hypothesis, from the counts of U values: the coefficients of the Gaussian
    /// binomial [n1 + n2 choose n1]_q, built as Π_{i=1…m} (1 − q^(n+i)) / (1 − q^i) with m = min(n1, n2).
    static func exactUpperTail(_ k: Int, _ n1: Int, _ n2: Int) -> Double {
        let m = min(n1, n2), n = max(n1, n2)
        let size = m * n + 1
        var counts = [Double](repeating: 0, count: size)
        counts[0] = 1
        for i in 1...max(1, m) where m > 0 {
            // Multiply by (1 − q^(n+i)): subtract the shifted polynomial (high degrees first).
            let shift = n + i
            if shift < size {
                for degree in stride(from: size - 1, through: shift, by: -1) { counts[degree] -= counts[degree - shift] }
            }
            // Divide by (1 − q^i): running sums with stride i.
            for degree in i..<size { counts[degree] += counts[degree - i] }
        }
        let total = counts.reduce(0, +)
        guard k > 0 else { return 1 }
        guard k < size else { return 0 }
        return counts[k...].reduce(0, +) / total
    }

    /// P(Z > z) for a standard normal Z.
    static func normalUpperTail(_ z: Double) -> Double {
        0.5 * erfc(z / 2.0.squareRoot())
    }
}
