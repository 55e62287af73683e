import Testing
import H2Wire

/// `grpc-timeout` values: at most 8 digits, the finest unit that fits, truncated (never longer
/// than the client's deadline), and parsed back exactly.
@Suite("grpc-timeout header")
struct GRPCTimeoutTests {
    @Test("the finest unit that fits in 8 digits", arguments: [
        (UInt64(3_000_000_000), "3000000u"),            // 3 s: µs is the finest unit with ≤ 8 digits
        (UInt64(99_999_999), "99999999n"),
        (UInt64(100_000_000), "100000u"),
        (UInt64(1_234_567), "1234567n"),
        (UInt64(3_600_000_000_000), "3600000m"),        // 1 h
        (UInt64(250_000_000_000_000), "250000S"),      // ~2.9 days: seconds still fit
        (UInt64(100_000_000_000_000_000), "1666666M"), // 10⁸ s: minutes, truncated
        (UInt64(0), "0n"),
    ])
    func encodes(nanoseconds: UInt64, text: String) {
        let timeout = GRPCTimeout(nanoseconds: nanoseconds)
        #expect(timeout.text == text)
        #expect(timeout.value <= GRPCTimeout.maxValue)
        #expect(timeout.nanoseconds <= nanoseconds, "truncated, never longer than asked")
    }

    @Test("parses every unit and rejects malformed values")
    func parses() {
        #expect(GRPCTimeout(parsing: "3S")?.nanoseconds == 3_000_000_000)
        #expect(GRPCTimeout(parsing: "2M")?.nanoseconds == 120_000_000_000)
        #expect(GRPCTimeout(parsing: "1H")?.nanoseconds == 3_600_000_000_000)
        #expect(GRPCTimeout(parsing: "3000000u")?.nanoseconds == 3_000_000_000)
        #expect(GRPCTimeout(parsing: "1500m")?.nanoseconds == 1_500_000_000)
        #expect(GRPCTimeout(parsing: "7n")?.nanoseconds == 7)
        for bad in ["", "S", "10", "10s", "-1S", "123456789S", "1.5S", "ten S"] {
            #expect(GRPCTimeout(parsing: bad) == nil, "`\(bad)` is not a grpc-timeout")
        }
    }
}
