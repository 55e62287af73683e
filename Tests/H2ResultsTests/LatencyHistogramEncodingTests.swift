import Foundation
import Testing
import H2Wire
@testable import H2Results

/// Seeded values (the driver's ``SplitMix64``) so the distributions are reproducible.
struct SeededValues {
    private var generator: SplitMix64

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { generator.next() }

    /// Roughly log-uniform over 1 ns … 2^maxBits ns.
    mutating func latency(maxBits: UInt64 = 36) -> UInt64 {
        let bits = next() % maxBits + 1
        return next() & ((1 << bits) - 1)
    }
}

@Suite("LatencyHistogram encoding")
struct LatencyHistogramEncodingTests {
    static func histogram(seed: UInt64, count: Int, maxBits: UInt64 = 36) -> LatencyHistogram {
        var values = SeededValues(seed: seed)
        var histogram = LatencyHistogram()
        for _ in 0..<count { histogram.record(nanoseconds: values.latency(maxBits: maxBits)) }
        return histogram
    }

    static func allFigures(_ h: LatencyHistogram) -> [Double] {
        let s = h.summary()
        var figures = [Double(s.count), s.min, s.p50, s.p90, s.p99, s.p999, s.max, s.mean]
        for percentile in [0.1, 1, 10, 25, 33.3, 75, 95, 99.99, 99.999] {
            figures.append(Double(h.nanoseconds(atPercentile: percentile)))
        }
        return figures
    }

    static var cases: [(String, LatencyHistogram)] {
        var single = LatencyHistogram()
        single.record(nanoseconds: 123_456_789)
        var zeros = LatencyHistogram()
        zeros.record(nanoseconds: 0)
        zeros.record(nanoseconds: 0)
        zeros.record(nanoseconds: 17_003)
        var sameBucket = LatencyHistogram()
        sameBucket.record(nanoseconds: 100_001)
        sameBucket.record(nanoseconds: 100_040)
        sameBucket.record(nanoseconds: 100_020)
        var clamped = histogram(seed: 9, count: 1_000)
        clamped.record(nanoseconds: .max)
        return [
            ("empty", LatencyHistogram()), ("single value", single), ("zeros and one value", zeros),
            ("three values in one bucket", sameBucket), ("clamped above one hour", clamped),
            ("100k log-uniform", histogram(seed: 1, count: 100_000)),
            ("narrow", histogram(seed: 2, count: 5_000, maxBits: 12)),
        ]
    }

    @Test("decode(encode(h)) has identical count, min, max, percentiles and mean, and equal buckets")
    func roundTrip() throws {
        for (name, original) in Self.cases {
            let text = original.encoded()
            #expect(text.hasPrefix("hdr1:"), "\(name)")
            let decoded = try #require(LatencyHistogram(encoded: text), "\(name) should decode")
            #expect(decoded.summary() == original.summary(), "\(name)")
            #expect(Self.allFigures(decoded) == Self.allFigures(original), "\(name)")
            #expect(decoded == original, "\(name): HdrHistogram equality")
            #expect(decoded.encoded() == text, "\(name): re-encoding is stable")
        }
    }

    @Test("merge(decode(a), decode(b)) equals merge(a, b) in every summary figure")
    func mergeOfDecoded() throws {
        let a = Self.histogram(seed: 3, count: 40_000)
        let b = Self.histogram(seed: 4, count: 7_000, maxBits: 20)
        var direct = a
        direct.merge(b)
        var viaText = try #require(LatencyHistogram(encoded: a.encoded()))
        viaText.merge(try #require(LatencyHistogram(encoded: b.encoded())))
        #expect(viaText.summary() == direct.summary())
        #expect(Self.allFigures(viaText) == Self.allFigures(direct))
        #expect(viaText == direct)
        #expect(viaText.encoded() == direct.encoded())
    }

    @Test("the encoding is compact: a few bytes per non-empty bucket")
    func compact() {
        let histogram = Self.histogram(seed: 5, count: 100_000)
        let text = histogram.encoded()
        // 3-digit HDR over 36 bits has at most ~27 × 1024 buckets; a dense dump would be ≈ 270 KB of counts.
        #expect(text.utf8.count < 120_000)
        #expect(LatencyHistogram().encoded().utf8.count < 40)
    }

    private static func encode(_ fields: [UInt64]) -> String {
        var bytes: [UInt8] = []
        for field in fields { VarInt.append(field, to: &bytes) }
        return LatencyHistogram.encodingPrefix + Data(bytes).base64EncodedString()
    }

    @Test("malformed or foreign text decodes to nil")
    func rejectsMalformed() {
        let layout: [UInt64] = [3, 1, LatencyHistogram.highestTrackableNanoseconds]
        // A valid two-value histogram built by hand: values 10 and 20 (exact in 3-digit HDR).
        #expect(LatencyHistogram(encoded: Self.encode(layout + [2, 10, 20, 10, 1, 10, 1])) != nil)
        let rejected: [(String, String)] = [
            ("no prefix", "hdr0:AAAA"),
            ("not base64", "hdr1:***"),
            ("empty payload", "hdr1:"),
            ("other digits", Self.encode([2, 1, LatencyHistogram.highestTrackableNanoseconds, 0, 0, 0])),
            ("other range", Self.encode([3, 1, 1_000, 0, 0, 0])),
            ("counts do not add up", Self.encode(layout + [3, 10, 20, 10, 1, 10, 1])),
            ("min outside first bucket", Self.encode(layout + [2, 11, 20, 10, 1, 10, 1])),
            ("max outside last bucket", Self.encode(layout + [2, 10, 19, 10, 1, 10, 1])),
            ("values not increasing", Self.encode(layout + [2, 10, 10, 10, 1, 0, 1])),
            ("zero count", Self.encode(layout + [2, 10, 20, 10, 2, 10, 0])),
            ("min above max", Self.encode(layout + [0, 5, 4])),
            ("single value but min ≠ max", Self.encode(layout + [1, 10, 11, 10, 1])),
            ("truncated varint", LatencyHistogram.encodingPrefix + Data([3, 1, 0x80]).base64EncodedString()),
        ]
        for (name, text) in rejected {
            #expect(LatencyHistogram(encoded: text) == nil, "\(name)")
        }
    }

    @Test("varints round-trip edge values and reject overlong input")
    func varints() {
        let values: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, .max - 1, .max]
        var bytes: [UInt8] = []
        for value in values { VarInt.append(value, to: &bytes) }
        var offset = 0
        for value in values { #expect(VarInt.read(bytes, at: &offset) == value) }
        #expect(offset == bytes.count)
        #expect(VarInt.read(bytes, at: &offset) == nil, "nothing left")
        var overlong = 0
        #expect(VarInt.read([UInt8](repeating: 0xFF, count: 10) + [0x01], at: &overlong) == nil)
        var tooBig = 0
        #expect(VarInt.read([UInt8](repeating: 0xFF, count: 9) + [0x02], at: &tooBig) == nil, "bit 64 set")
    }
}
