import Foundation
import Testing
@testable import H2Profile

struct UnitsTests {
    @Test(arguments: [
        ("100B", 100), ("64KiB", 65_536), ("1MiB", 1_048_576), ("1.5GiB", 1_610_612_736),
        ("1000", 1000), ("10kB", 10_000), ("10KB", 10_000), ("2MB", 2_000_000), ("0", 0), ("0B", 0),
        ("64 KiB", 65_536), ("1_000B", 1000), ("0.5KiB", 512), ("65535", 65_535), ("1GB", 1_000_000_000),
    ])
    func parsesByteCounts(text: String, bytes: Int) {
        #expect(ByteCount(text)?.bytes == bytes)
    }

    @Test(arguments: ["", "KiB", "-1KiB", "1.5B", "64kib", "64K", "ten", "1..5KiB", "99999999999999999999B", "1.0000000000001KiB"])
    func rejectsMalformedByteCounts(text: String) {
        #expect(ByteCount(text) == nil)
    }

    @Test func byteCountHintsSuggestTheRightUnit() {
        guard case .failure(let failure) = ByteCount.parse("64kib") else {
            Issue.record("`64kib` parsed")
            return
        }
        #expect(failure.hint == "did you mean `64KiB`?")
        guard case .failure(let negative) = ByteCount.parse("-3B") else {
            Issue.record("`-3B` parsed")
            return
        }
        #expect(negative.hint == "sizes cannot be negative")
        guard case .failure(let fraction) = ByteCount.parse("1.5B") else {
            Issue.record("`1.5B` parsed")
            return
        }
        #expect(fraction.hint == "it is not a whole number of bytes")
    }

    @Test(arguments: [
        (65_536, "64KiB"), (1_048_576, "1MiB"), (10_000, "10kB"), (65_535, "65535B"), (0, "0B"),
        (100, "100B"), (1_610_612_736, "1536MiB"), (16_777_215, "16777215B"), (2_000_000, "2MB"),
    ])
    func describesByteCounts(bytes: Int, text: String) {
        let count = ByteCount(bytes: bytes)
        #expect(count.description == text)
        #expect(ByteCount(count.description) == count)
    }

    @Test(arguments: [
        ("100ms", 100_000_000), ("2s", 2_000_000_000), ("250us", 250_000), ("250µs", 250_000),
        ("1.5s", 1_500_000_000), ("1m", 60_000_000_000), ("0", 0), ("0s", 0), ("1h", 3_600_000_000_000),
        ("10ns", 10), ("0.25ms", 250_000),
    ])
    func parsesTimeSpans(text: String, nanoseconds: UInt64) {
        #expect(TimeSpan(text)?.nanoseconds == nanoseconds)
    }

    @Test(arguments: ["", "ten", "10", "1.5", "-1s", "10 sec", "1.5ns", "10S"])
    func rejectsMalformedTimeSpans(text: String) {
        #expect(TimeSpan(text) == nil)
    }

    @Test func timeSpanHints() {
        guard case .failure(let bare) = TimeSpan.parse("10") else {
            Issue.record("`10` parsed as a time")
            return
        }
        #expect(bare.hint == "add a unit, for example `10s`")
        guard case .failure(let unit) = TimeSpan.parse("10sec") else {
            Issue.record("`10sec` parsed as a time")
            return
        }
        #expect(unit.hint?.contains("unknown unit `sec`") == true)
    }

    @Test(arguments: [
        (UInt64(100_000_000), "100ms"), (2_000_000_000, "2s"), (90_000_000_000, "90s"), (60_000_000_000, "1m"),
        (1_500_000_000, "1500ms"), (0, "0s"), (250_000, "250us"), (7, "7ns"), (7_200_000_000_000, "2h"),
    ])
    func describesTimeSpans(nanoseconds: UInt64, text: String) {
        let span = TimeSpan(nanoseconds: nanoseconds)
        #expect(span.description == text)
        #expect(TimeSpan(span.description) == span)
    }

    @Test func timeSpansCompareAndAdd() {
        #expect(TimeSpan.milliseconds(100) < TimeSpan.seconds(1))
        #expect((TimeSpan.seconds(1) + .milliseconds(500)).description == "1500ms")
        #expect(TimeSpan(nanoseconds: .max) + .seconds(1) == TimeSpan(nanoseconds: .max))
    }

    @Test func unitsEncodeAsTextAndDecodeFromTextOrNumbers() throws {
        struct Pair: Codable, Equatable {
            var size: ByteCount
            var time: TimeSpan
        }
        let pair = Pair(size: .kibibytes(64), time: .milliseconds(100))
        let json = String(decoding: try JSONEncoder().encode(pair), as: UTF8.self)
        #expect(json.contains("\"64KiB\"") && json.contains("\"100ms\""))
        #expect(try JSONDecoder().decode(Pair.self, from: Data(json.utf8)) == pair)
        let numeric = try JSONDecoder().decode(Pair.self, from: Data(#"{"size": 65536, "time": 100000000}"#.utf8))
        #expect(numeric == pair)
    }

    @Test func suggestionsUseEditDistanceAndIgnoreCaseAndSeparators() {
        #expect(FieldSuggestion.closest(to: "streamWindo", among: ["streamWindow", "connectionWindow"]) == "streamWindow")
        #expect(FieldSuggestion.closest(to: "stream_window", among: ["streamWindow", "connectionWindow"]) == "streamWindow")
        #expect(FieldSuggestion.closest(to: "colour", among: ["streamWindow", "connectionWindow"]) == nil)
        #expect(FieldSuggestion.distance(Array("kitten"), Array("sitting")) == 3)
    }
}
