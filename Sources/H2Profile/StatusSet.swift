import H2Wire

/// The HTTP `:status` values a generic request accepts (`http.request.expect.status`):
/// `200`, `2xx`, `200-299` or a list of those. The default is `2xx`.
public struct StatusSet: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Accepted ranges, in the order written.
    public var ranges: [ClosedRange<Int>]

    /// A set of the given ranges.
    public init(_ ranges: [ClosedRange<Int>]) { self.ranges = ranges }

    /// `2xx`: what every built-in kind accepts.
    public static let success = StatusSet([200...299])

    /// Whether `status` is accepted.
    @inline(__always)
    public func contains(_ status: Int) -> Bool {
        for range in ranges where range.contains(status) { return true }
        return false
    }

    /// One range as written back: `200`, `2xx`, `200-204`.
    static func text(_ range: ClosedRange<Int>) -> String {
        if range.count == 1 { return "\(range.lowerBound)" }
        if range.lowerBound % 100 == 0, range.upperBound == range.lowerBound + 99 { return "\(range.lowerBound / 100)xx" }
        return "\(range.lowerBound)-\(range.upperBound)"
    }

    /// `2xx`, `200, 204`.
    public var description: String { ranges.map(Self.text).joined(separator: ", ") }

    /// Parses one item: `200`, `2xx`, `200-299`; `nil` when malformed or outside 100…599.
    public static func range(_ text: String) -> ClosedRange<Int>? {
        let t = text.trimmingSpaces().lowercased()
        if t.count == 3, t.hasSuffix("xx"), let hundreds = Int(t.prefix(1)), (1...5).contains(hundreds) {
            return (hundreds * 100)...(hundreds * 100 + 99)
        }
        let parts = t.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let low = Int(String(parts[0]).trimmingSpaces()) else { return nil }
        let high = parts.count == 2 ? Int(String(parts[1]).trimmingSpaces()) : low
        guard let high, 100 <= low, low <= high, high <= 599 else { return nil }
        return low...high
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(ranges.map(Self.text))
    }

    public init(from decoder: any Decoder) throws {
        let texts = try decoder.singleValueContainer().decode([String].self)
        self.init(texts.compactMap(Self.range))
    }
}
