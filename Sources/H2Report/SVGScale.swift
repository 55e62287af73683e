import Foundation

/// A chart's value axis: maps values to a fraction of the plot's extent and chooses tick values.
///
/// Linear scales start at 0 and end at a "nice" bound (1, 2, 2.5 or 5 × 10^k); logarithmic scales span
/// whole decades. Values outside the range (on a log scale: values ≤ 0) are clamped to its ends.
struct SVGScale {
    /// Lowest value shown (bottom of the axis).
    let lower: Double
    /// Highest value shown (top of the axis).
    let upper: Double
    /// Whether positions are proportional to log10 of the value.
    let logarithmic: Bool
    /// Values that get a grid line and a label, ascending.
    let ticks: [Double]

    /// A linear scale from 0 to a nice bound ≥ `maximum`, with 4–6 ticks; a non-positive or missing maximum gives 0…1.
    static func linear(maximum: Double?) -> SVGScale {
        let top = maximum.flatMap { $0.isFinite && $0 > 0 ? $0 : nil } ?? 1
        let step = niceStep(top / 5)
        let upper = (top / step).rounded(.up) * step
        var ticks: [Double] = []
        var index = 0.0
        while index * step <= upper * (1 + 1e-9) {
            ticks.append(index * step)
            index += 1
        }
        return SVGScale(lower: 0, upper: upper, logarithmic: false, ticks: ticks)
    }

    /// A logarithmic scale over whole decades covering the positive values in `minimum…maximum`; decades are
    /// labelled, and 2 and 5 times a decade too when the scale spans at most three decades. Without a positive
    /// value it spans 1…10.
    static func logarithmic(minimum: Double?, maximum: Double?) -> SVGScale {
        let low = minimum.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        let high = maximum.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        guard let low, let high else {
            return SVGScale(lower: 1, upper: 10, logarithmic: true, ticks: [1, 2, 5, 10])
        }
        var lowerExponent = log10(min(low, high)).rounded(.down)
        var upperExponent = log10(max(low, high)).rounded(.up)
        if upperExponent <= lowerExponent { upperExponent = lowerExponent + 1 }
        if upperExponent - lowerExponent > 12 { lowerExponent = upperExponent - 12 }
        let decades = upperExponent - lowerExponent
        var ticks: [Double] = []
        var exponent = lowerExponent
        while exponent <= upperExponent {
            let base = pow(10, exponent)
            ticks.append(base)
            if decades <= 3, exponent < upperExponent {
                ticks.append(2 * base)
                ticks.append(5 * base)
            }
            exponent += 1
        }
        return SVGScale(lower: pow(10, lowerExponent), upper: pow(10, upperExponent), logarithmic: true, ticks: ticks)
    }

    /// Where `value` sits between ``lower`` (0) and ``upper`` (1), clamped to 0…1.
    func fraction(_ value: Double) -> Double {
        let position: Double
        if logarithmic {
            guard value > 0 else { return 0 }
            position = (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        } else {
            position = (value - lower) / (upper - lower)
        }
        guard position.isFinite else { return 0 }
        return min(1, max(0, position))
    }

    /// 1, 2, 2.5 or 5 × 10^k, the smallest such step ≥ `rough`.
    private static func niceStep(_ rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let magnitude = pow(10, log10(rough).rounded(.down))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * magnitude >= rough * (1 - 1e-9) {
            return factor * magnitude
        }
        return 10 * magnitude
    }
}
