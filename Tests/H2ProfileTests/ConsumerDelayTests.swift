import Foundation
import Testing
import H2Wire
@testable import H2Profile

/// `ConsumerDelay.sample` distributions, `ConsumerSpec.pick`, rates and the delay's JSON form.
struct ConsumerDelayTests {
    static func draws(_ delay: ConsumerDelay, count: Int, bytes: Int = 100, seed: UInt64 = 42) -> [UInt64] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in delay.sample(bytes: bytes, using: &rng) }
    }

    static func mean(_ values: [UInt64]) -> Double {
        values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }

    @Test func fixedIsExactAndDrawsNothing() {
        var rng = SplitMix64(seed: 7)
        var untouched = SplitMix64(seed: 7)
        for bytes in [0, 100, 65_536] {
            #expect(ConsumerDelay.fixed(.milliseconds(50)).sample(bytes: bytes, using: &rng) == 50_000_000)
        }
        #expect(rng.next() == untouched.next())
    }

    @Test func uniformStaysInBoundsAndCentresOnTheMidpoint() {
        let low: UInt64 = 10_000_000, high: UInt64 = 100_000_000
        let values = Self.draws(.uniform(.milliseconds(10), .milliseconds(100)), count: 10_000)
        #expect(values.allSatisfy { (low...high).contains($0) })
        // Standard error of the mean: 90ms / sqrt(12 * 10k) ≈ 0.26ms; allow about 4 of them.
        #expect(abs(Self.mean(values) - 55_000_000) < 1_000_000)
        // The whole range is used: both ends are approached and every tenth gets its share.
        #expect(values.min()! < low + 1_000_000 && values.max()! > high - 1_000_000)
        var tenths = [Int](repeating: 0, count: 10)
        for value in values { tenths[min(9, Int((value - low) * 10 / (high - low)))] += 1 }
        #expect(tenths.allSatisfy { (850...1150).contains($0) }, "counts per tenth: \(tenths)")
    }

    @Test func uniformWithEqualBoundsIsThatValue() {
        #expect(Self.draws(.uniform(.milliseconds(5), .milliseconds(5)), count: 100).allSatisfy { $0 == 5_000_000 })
    }

    @Test func exponentialHasItsMeanWithinFivePercent() {
        let mean = 20_000_000.0
        let values = Self.draws(.exponential(mean: .milliseconds(20)), count: 20_000)
        #expect(abs(Self.mean(values) - mean) < 0.05 * mean)
        // The shape, not only the mean: P(X ≤ mean) = 1 - 1/e ≈ 0.632, P(X > 3·mean) = e^-3 ≈ 0.050.
        let belowMean = Double(values.filter { Double($0) <= mean }.count) / Double(values.count)
        #expect(abs(belowMean - (1 - exp(-1))) < 0.015)
        let beyondThree = Double(values.filter { Double($0) > 3 * mean }.count) / Double(values.count)
        #expect(abs(beyondThree - exp(-3)) < 0.008)
    }

    @Test func samplesAreReproducibleFromTheSeed() {
        let delay = ConsumerDelay.exponential(mean: .milliseconds(20))
        #expect(Self.draws(delay, count: 50, seed: 9) == Self.draws(delay, count: 50, seed: 9))
        #expect(Self.draws(delay, count: 50, seed: 9) != Self.draws(delay, count: 50, seed: 10))
    }

    @Test func perByteIsExact() {
        var rng = SplitMix64(seed: 1)
        let megabytePerSecond = ConsumerDelay.perByte(bytesPerSecond: 1_000_000)
        #expect(megabytePerSecond.sample(bytes: 1_000, using: &rng) == 1_000_000)
        #expect(megabytePerSecond.sample(bytes: 65_536, using: &rng) == 65_536_000)
        #expect(megabytePerSecond.sample(bytes: 0, using: &rng) == 0)
        #expect(ConsumerDelay.perByte(bytesPerSecond: 65_536).sample(bytes: 65_536, using: &rng) == 1_000_000_000)
        #expect(ConsumerDelay.perByte(bytesPerSecond: 3).sample(bytes: 1, using: &rng) == 333_333_333)
        #expect(megabytePerSecond.mean(bytes: 2_000) == 2_000_000)
    }

    @Test func meansMatchTheDefinitions() {
        #expect(ConsumerDelay.fixed(.milliseconds(3)).mean(bytes: 1) == 3_000_000)
        #expect(ConsumerDelay.uniform(.milliseconds(10), .milliseconds(100)).mean(bytes: 1) == 55_000_000)
        #expect(ConsumerDelay.exponential(mean: .milliseconds(20)).mean(bytes: 1) == 20_000_000)
    }

    @Test func ratesParseAsASizePerSecond() {
        func rate(_ text: String) -> Double? {
            if case .success(let value) = ConsumerDelay.parseRate(text) { return value }
            return nil
        }
        #expect(rate("1MB/s") == 1_000_000)
        #expect(rate("64KiB/s") == 65_536)
        #expect(rate(" 64 KiB / s ") == 65_536)
        #expect(rate("1000/s") == 1_000)
        #expect(rate("1.5MiB/s") == 1_572_864)
        for bad in ["1MB", "1MB/ms", "MB/s", "-1MB/s", "1MB/s/s", "/s"] {
            #expect(rate(bad) == nil, "`\(bad)` parsed")
        }
        #expect(ConsumerDelay.rateText(1_000_000) == "1MB/s")
        #expect(ConsumerDelay.rateText(65_536) == "64KiB/s")
        #expect(ConsumerDelay.rateText(0.5) == nil)
    }

    @Test(arguments: [
        (ConsumerDelay.fixed(.milliseconds(50)), #""50ms""#, "50ms"),
        (.uniform(.milliseconds(10), .milliseconds(100)), #"{"uniform":["10ms","100ms"]}"#, "{uniform: [10ms, 100ms]}"),
        (.exponential(mean: .milliseconds(20)), #"{"exponential":"20ms"}"#, "{exponential: 20ms}"),
        (.perByte(bytesPerSecond: 1_000_000), #"{"perByte":"1MB\/s"}"#, "{perByte: 1MB/s}"),
        (.perByte(bytesPerSecond: 2.5), #"{"perByte":2.5}"#, "{perByte: 2.5B/s}"),
    ])
    func encodesAsWrittenInProfiles(delay: ConsumerDelay, json: String, text: String) throws {
        let data = try JSONEncoder().encode(delay)
        #expect(String(decoding: data, as: UTF8.self) == json)
        #expect(try JSONDecoder().decode(ConsumerDelay.self, from: data) == delay)
        #expect(delay.description == text)
    }

    @Test func decodesTheLongForms() throws {
        let decoded = try JSONDecoder().decode([ConsumerDelay].self, from: Data(#"[{"fixed": "1s"}, {"perByte": 1000}, 5000]"#.utf8))
        #expect(decoded == [.fixed(.seconds(1)), .perByte(bytesPerSecond: 1000), .fixed(TimeSpan(nanoseconds: 5000))])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ConsumerDelay.self, from: Data(#"{"uniform": ["1ms"]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ConsumerDelay.self, from: Data(#"{"fixed": "1ms", "exponential": "2ms"}"#.utf8))
        }
    }

    // MARK: Assigning consumers to streams

    @Test func noConsumersMeansFastAndDrawsNothing() {
        var rng = SplitMix64(seed: 3)
        var untouched = SplitMix64(seed: 3)
        #expect(ConsumerSpec.pick(from: [], using: &rng) == nil)
        #expect(rng.next() == untouched.next())
    }

    @Test func picksFollowTheShares() {
        let consumers = [
            ConsumerSpec(share: 0.5, delay: .fixed(.milliseconds(1))),
            ConsumerSpec(share: 0.25, delay: .fixed(.milliseconds(2))),
        ]
        var rng = SplitMix64(seed: 11)
        var counts = [0, 0, 0]
        let streams = 20_000
        for _ in 0..<streams { counts[ConsumerSpec.pick(from: consumers, using: &rng) ?? 2] += 1 }
        let fractions = counts.map { Double($0) / Double(streams) }
        #expect(abs(fractions[0] - 0.5) < 0.02 && abs(fractions[1] - 0.25) < 0.02 && abs(fractions[2] - 0.25) < 0.02,
                "fractions: \(fractions)")
        var all = SplitMix64(seed: 12)
        let everyone = [ConsumerSpec(share: 1, delay: .fixed(.zero))]
        #expect((0..<1_000).allSatisfy { _ in ConsumerSpec.pick(from: everyone, using: &all) == 0 })
    }
}
