/// The `grpc-timeout` request header: how long the server may work on a call before it is
/// past the client's deadline (gRPC over HTTP/2, *Requests*: `TimeoutValue TimeoutUnit`, at
/// most 8 ASCII digits followed by one of `H M S m u n`).
///
/// A value type with no allocation: the driver writes it straight into the request's header
/// block, the embedded server parses it from the request.
public struct GRPCTimeout: Sendable, Equatable {
    /// The number, at most 8 digits (0…99,999,999).
    public let value: Int
    /// The unit letter: `n` (ns), `u` (µs), `m` (ms), `S`, `M` or `H`.
    public let unit: UInt8

    /// The largest value the header can carry in any unit.
    public static let maxValue = 99_999_999

    /// Units from the finest, with their length in nanoseconds.
    private static let units: [(letter: UInt8, nanoseconds: UInt64)] = [
        (UInt8(ascii: "n"), 1), (UInt8(ascii: "u"), 1_000), (UInt8(ascii: "m"), 1_000_000),
        (UInt8(ascii: "S"), 1_000_000_000), (UInt8(ascii: "M"), 60_000_000_000), (UInt8(ascii: "H"), 3_600_000_000_000),
    ]

    /// The finest unit in which `nanoseconds` fits in 8 digits, truncated to that unit (so the
    /// server never waits longer than the client). Remaining times up to 0.1 s are exact to
    /// the nanosecond, up to 100 s to the microsecond.
    public init(nanoseconds: UInt64) {
        for (letter, length) in Self.units {
            let v = nanoseconds / length
            if v <= UInt64(Self.maxValue) {
                value = Int(v)
                unit = letter
                return
            }
        }
        value = Self.maxValue
        unit = UInt8(ascii: "H")
    }

    /// The timeout in nanoseconds.
    public var nanoseconds: UInt64 {
        let length = Self.units.first { $0.letter == unit }?.nanoseconds ?? 1
        return UInt64(value).multipliedReportingOverflow(by: length).overflow ? UInt64.max : UInt64(value) * length
    }

    /// Parses a header value such as `3000000u` or `3S`; nil when it is not a valid `grpc-timeout`.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let last = bytes.last,
              Self.units.contains(where: { $0.letter == last }) else { return nil }
        var v = 0
        for b in bytes.dropLast() {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        value = v
        unit = last
    }

    /// The header value, e.g. `3000000u`.
    public var text: String { "\(value)" + String(UnicodeScalar(unit)) }
}
