/// A non-negative length of time in nanoseconds, written in profiles as `100ms`, `2s`, `250us`
/// (or `250µs`), `1.5s`, `1m`, `1h`, `10ns` or `0`.
///
/// A unit is required except for zero. `description` uses the largest unit that divides
/// exactly (`100ms`, `90s`, `1500ms` for 1.5 s) and parses back to the same value.
///
/// Encoded (Codable) as its description string; decodes from a string or an integer
/// number of nanoseconds.
public struct TimeSpan: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The length in nanoseconds.
    public var nanoseconds: UInt64

    /// A span of exactly `nanoseconds` ns.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// Parses a profile-style time (`100ms`, `2s`, `0`); `nil` if malformed.
    public init?(_ text: String) {
        guard case .success(let value) = Self.parse(text) else { return nil }
        self = value
    }

    /// `n` milliseconds.
    public static func milliseconds(_ n: UInt64) -> TimeSpan { TimeSpan(nanoseconds: n * 1_000_000) }
    /// `n` seconds.
    public static func seconds(_ n: UInt64) -> TimeSpan { TimeSpan(nanoseconds: n * 1_000_000_000) }
    /// Zero time.
    public static let zero = TimeSpan(nanoseconds: 0)

    /// The span in seconds as a floating-point number.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The span as a Swift `Duration`.
    public var duration: Duration { .nanoseconds(Int64(clamping: nanoseconds)) }

    /// The shortest exact spelling: `100ms`, `2s`, `1m`, `250us`, `0s`.
    public var description: String {
        UnitText.format(nanoseconds, units: Self.formatUnits, zero: "0s")
    }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Sum of two spans (saturating).
    public static func + (lhs: TimeSpan, rhs: TimeSpan) -> TimeSpan {
        let (sum, overflow) = lhs.nanoseconds.addingReportingOverflow(rhs.nanoseconds)
        return TimeSpan(nanoseconds: overflow ? .max : sum)
    }

    static let units: [(name: String, multiplier: UInt64)] = [
        ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("µs", 1_000), ("ns", 1),
        ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]
    private static let formatUnits: [(name: String, multiplier: UInt64)] = [
        ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
        ("ms", 1_000_000), ("us", 1_000), ("ns", 1),
    ]

    /// Parses `text`, returning a hint for the user on failure.
    static func parse(_ text: String) -> Result<TimeSpan, UnitText.Failure> {
        UnitText.parse(text, units: units, bareUnit: nil, unitNoun: "time").map(TimeSpan.init(nanoseconds:))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let ns = try? container.decode(UInt64.self) {
            self.init(nanoseconds: ns)
            return
        }
        let text = try container.decode(String.self)
        guard let value = TimeSpan(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a time: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
