import Foundation

/// How long a slow consumer waits before taking each message, drawn per message.
///
/// In YAML (`consumers[i].delay`): `50ms` (fixed), `{uniform: [10ms, 100ms]}`,
/// `{exponential: 20ms}` (the mean) or `{perByte: 1MB/s}` (a rate: the delay is the message's
/// bytes divided by the rate). Encoded (Codable) the same way, except that a rate which is not
/// a whole number of bytes per second is written as a number.
///
/// Invariants (checked at load): uniform `min ≤ max`; exponential `mean > 0`; perByte
/// `bytesPerSecond > 0`; every time ≤ 1h.
public enum ConsumerDelay: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The same delay before every message.
    case fixed(TimeSpan)
    /// Uniformly distributed between the two bounds, both included.
    case uniform(TimeSpan, TimeSpan)
    /// Exponentially distributed with the given mean.
    case exponential(mean: TimeSpan)
    /// `message bytes / bytesPerSecond` seconds: a consumer that processes a fixed byte rate.
    case perByte(bytesPerSecond: Double)

    /// Draws one delay (ns) for a message of `bytes` using `rng`.
    ///
    /// `fixed` and `perByte` draw nothing from `rng`; `uniform` and `exponential` draw one
    /// value. Allocation-free; results saturate rather than trap.
    public func sample<G: RandomNumberGenerator>(bytes: Int, using rng: inout G) -> UInt64 {
        switch self {
        case .fixed(let delay):
            return delay.nanoseconds
        case .uniform(let a, let b):
            let low = min(a.nanoseconds, b.nanoseconds), high = max(a.nanoseconds, b.nanoseconds)
            return UInt64.random(in: low...high, using: &rng)
        case .exponential(let mean):
            // Inverse transform: 1 - u is in (0, 1], so the logarithm is finite.
            let u = Double.random(in: 0..<1, using: &rng)
            return Self.nanoseconds(-Foundation.log(1 - u) * Double(mean.nanoseconds))
        case .perByte(let bytesPerSecond):
            return Self.nanoseconds(Double(max(0, bytes)) * 1e9 / bytesPerSecond)
        }
    }

    /// Rounds a non-negative number of nanoseconds, saturating at about 292 years.
    private static func nanoseconds(_ value: Double) -> UInt64 {
        guard value > 0 else { return 0 }
        guard value < 9.2e18 else { return 9_200_000_000_000_000_000 }
        return UInt64(value.rounded())
    }

    /// The mean delay (ns) for a message of `bytes`.
    public func mean(bytes: Int) -> Double {
        switch self {
        case .fixed(let delay): Double(delay.nanoseconds)
        case .uniform(let a, let b): (Double(a.nanoseconds) + Double(b.nanoseconds)) / 2
        case .exponential(let mean): Double(mean.nanoseconds)
        case .perByte(let bytesPerSecond): Double(max(0, bytes)) * 1e9 / bytesPerSecond
        }
    }

    /// As written in a profile: `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}`,
    /// `{perByte: 1MB/s}`.
    public var description: String {
        switch self {
        case .fixed(let delay): "\(delay)"
        case .uniform(let a, let b): "{uniform: [\(a), \(b)]}"
        case .exponential(let mean): "{exponential: \(mean)}"
        case .perByte(let rate): "{perByte: \(Self.rateText(rate) ?? "\(rate)B/s")}"
        }
    }

    /// A whole number of bytes per second as a size plus `/s` (`1MB/s`, `64KiB/s`); `nil` otherwise.
    static func rateText(_ bytesPerSecond: Double) -> String? {
        guard bytesPerSecond >= 1, bytesPerSecond < 9.0e15, bytesPerSecond.rounded() == bytesPerSecond else { return nil }
        return "\(ByteCount(bytes: Int(bytesPerSecond)))/s"
    }

    /// Parses a rate written as a size followed by `/s` (`1MB/s`, `64KiB/s`, `1000B/s`) into
    /// bytes per second, with a hint for the user on failure.
    static func parseRate(_ text: String) -> Result<Double, UnitText.Failure> {
        let trimmed = text.trimmingSpaces()
        guard let slash = trimmed.lastIndex(of: "/") else {
            return .failure(UnitText.Failure(hint: "add `/s` after the size, e.g. `\(trimmed)/s`"))
        }
        let per = String(trimmed[trimmed.index(after: slash)...]).trimmingSpaces()
        guard per == "s" else {
            return .failure(UnitText.Failure(hint: "give the rate per second (`/s`), got `/\(per)`"))
        }
        switch ByteCount.parse(String(trimmed[..<slash])) {
        case .success(let size): return .success(Double(size.bytes))
        case .failure(let failure): return .failure(failure)
        }
    }

    private enum Key: String, CodingKey { case fixed, uniform, exponential, perByte }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let delay = try? single.decode(TimeSpan.self) {
            self = .fixed(delay)
            return
        }
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath, debugDescription: "write a delay as a time or one of fixed, uniform, exponential, perByte"))
        }
        switch key {
        case .fixed:
            self = .fixed(try container.decode(TimeSpan.self, forKey: .fixed))
        case .uniform:
            let bounds = try container.decode([TimeSpan].self, forKey: .uniform)
            guard bounds.count == 2 else {
                throw DecodingError.dataCorruptedError(forKey: .uniform, in: container, debugDescription: "uniform needs [min, max]")
            }
            self = .uniform(bounds[0], bounds[1])
        case .exponential:
            self = .exponential(mean: try container.decode(TimeSpan.self, forKey: .exponential))
        case .perByte:
            if let number = try? container.decode(Double.self, forKey: .perByte) {
                self = .perByte(bytesPerSecond: number)
                return
            }
            let text = try container.decode(String.self, forKey: .perByte)
            guard case .success(let rate) = Self.parseRate(text) else {
                throw DecodingError.dataCorruptedError(forKey: .perByte, in: container, debugDescription: "not a rate: \(text)")
            }
            self = .perByte(bytesPerSecond: rate)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .fixed(let delay):
            var single = encoder.singleValueContainer()
            try single.encode(delay)
        case .uniform(let a, let b):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode([a, b], forKey: .uniform)
        case .exponential(let mean):
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(mean, forKey: .exponential)
        case .perByte(let rate):
            var container = encoder.container(keyedBy: Key.self)
            if let text = Self.rateText(rate) {
                try container.encode(text, forKey: .perByte)
            } else {
                try container.encode(rate, forKey: .perByte)
            }
        }
    }
}
