/// A number of bytes, written in profiles as `100B`, `64KiB`, `1MiB`, `1.5GiB`, `10kB` or a bare
/// integer (bytes).
///
/// Binary units (`KiB`, `MiB`, `GiB`, `TiB`) are powers of 1024; decimal units (`kB`/`KB`,
/// `MB`, `GB`, `TB`) are powers of 1000. Fractions are allowed when the result is a whole
/// number of bytes. `description` uses the largest unit that divides exactly (`64KiB`,
/// `10kB`, `65535B`) and parses back to the same value.
///
/// Encoded (Codable) as its description string; decodes from a string or an integer.
public struct ByteCount: Sendable, Hashable, Codable, Comparable, CustomStringConvertible, LosslessStringConvertible {
    /// The number of bytes (never negative).
    public var bytes: Int

    /// A byte count of exactly `bytes` bytes.
    public init(bytes: Int) {
        precondition(bytes >= 0, "BUG DETECTED: ByteCount must not be negative, got \(bytes)")
        self.bytes = bytes
    }

    /// Parses a profile-style size (`64KiB`, `1MiB`, `100B`, `1000`); `nil` if malformed.
    public init?(_ text: String) {
        guard case .success(let value) = Self.parse(text) else { return nil }
        self = value
    }

    /// `n` × 1024 bytes.
    public static func kibibytes(_ n: Int) -> ByteCount { ByteCount(bytes: n * 1024) }
    /// `n` × 1024² bytes.
    public static func mebibytes(_ n: Int) -> ByteCount { ByteCount(bytes: n * 1024 * 1024) }

    /// The shortest exact spelling: `64KiB`, `1MiB`, `10kB`, `65535B`, `0B`.
    public var description: String {
        UnitText.format(UInt64(bytes), units: Self.formatUnits, zero: "0B")
    }

    public static func < (lhs: ByteCount, rhs: ByteCount) -> Bool { lhs.bytes < rhs.bytes }

    static let units: [(name: String, multiplier: UInt64)] = [
        ("B", 1),
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("kB", 1_000), ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
    ]
    private static let formatUnits: [(name: String, multiplier: UInt64)] = [
        ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("kB", 1_000), ("B", 1),
    ]

    /// Parses `text`, returning a hint for the user on failure.
    static func parse(_ text: String) -> Result<ByteCount, UnitText.Failure> {
        switch UnitText.parse(text, units: units, bareUnit: 1, unitNoun: "size") {
        case .success(let value):
            guard value <= UInt64(Int.max) else { return .failure(UnitText.Failure(hint: "the number is too large")) }
            return .success(ByteCount(bytes: Int(value)))
        case .failure(let failure):
            return .failure(failure)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bytes = try? container.decode(Int.self), bytes >= 0 {
            self.init(bytes: bytes)
            return
        }
        let text = try container.decode(String.self)
        guard let value = ByteCount(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a size: \(text)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
