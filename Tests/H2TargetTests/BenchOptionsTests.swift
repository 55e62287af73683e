import Foundation
@testable import H2Bench
import H2Profile
import Testing

/// `bench`'s options and goals as data: ranges are checked with the option named, and a goals
/// file changes only the goals it names.
struct BenchOptionsTests {
    @Test("a goals file keeps the defaults of the keys it leaves out")
    func partialGoalsKeepDefaults() throws {
        let goals = try JSONDecoder().decode(BenchGoals.self, from: Data(#"{"cpuRatio": 0.9, "idleWakeP50Microseconds": 50}"#.utf8))
        var expected = BenchGoals()
        expected.cpuRatio = 0.9
        expected.idleWakeP50Microseconds = 50
        #expect(goals == expected)
        #expect(goals.measurementOverhead == 0.05 && goals.manyStreamsRSSBytes == 256_000_000)
    }

    @Test("a goal of the wrong type is an error, not a silent default")
    func wrongTypeIsAnError() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BenchGoals.self, from: Data(#"{"cpuRatio": "low"}"#.utf8))
        }
    }

    @Test("out-of-range options name the option")
    func rangesNameTheOption() throws {
        var options = BenchOptions()
        try options.validate()
        options.maxFrameSize = .kibibytes(8)
        #expect(throws: BenchError.self) { try options.validate() }
        do {
            try options.validate()
        } catch {
            #expect(error.description.contains("--max-frame-size"))
        }
        options = BenchOptions()
        options.measurement = ["stamps", "tracing"]
        #expect(throws: BenchError.self) { try options.validate() }
        #expect(throws: BenchError.self) { try BenchOptions.scenarios("64k,warp") }
        #expect(try BenchOptions.scenarios("64k, 10k-streams") == [.download(bodyBytes: 65_536), .manyStreams])
        #expect(try BenchOptions.scenarios("soak") == [.soak])
    }
}

/// The soak's verdict from its samples: drift against the settled point, descriptors after it.
struct SoakCheckTests {
    typealias Sample = H2Bench.BenchSession.SoakSample

    @Test("drift is end ÷ settled − 1, and the descriptor range starts at the settled point")
    func driftAndFiles() throws {
        let samples = (0..<30).map { Sample(second: $0, rssBytes: $0 < 10 ? 10_000_000 + $0 * 1_000_000 : 40_000_000 + ($0 - 10) * 100_000,
                                            openFiles: $0 < 10 ? 5 + $0 : 20) }
        let check = H2Bench.BenchSession.SoakCheck(samples: samples, settledSecond: 10, streamsCompleted: 1, falseVerdicts: 0)
        let drift = try #require(check.rssDrift())
        #expect(abs(drift - (41_900_000.0 / 40_000_000.0 - 1)) < 1e-9)
        var withSeries = check
        withSeries.seriesBytesAfterSettling = 1_000_000
        let beyond = try #require(withSeries.rssDriftBeyondSeries)
        #expect(abs(beyond - (40_900_000.0 / 40_000_000.0 - 1)) < 1e-9, "the series' own bytes are left out")
        #expect(withSeries.openFilesText == "20–20")
        #expect(check.openFilesRange! == (20, 20), "the ramp before settling does not count")
        let growing = H2Bench.BenchSession.SoakCheck(samples: samples.map { Sample(second: $0.second, rssBytes: $0.rssBytes, openFiles: $0.second * 3) },
                                                     settledSecond: 10, streamsCompleted: 1, falseVerdicts: 0)
        #expect(growing.openFilesRange! == (30, 87))
    }

    @Test("a sample taken during the driver's teardown (connections closed) is not judged")
    func teardownSampleIsDropped() throws {
        // 120 s run: connections open at 18 descriptors; the sampler's last read, at second 120,
        // lands after the driver closed them.
        var samples = (0..<120).map { Sample(second: $0, rssBytes: 40_000_000, openFiles: 18) }
        samples.append(Sample(second: 120, rssBytes: 30_000_000, openFiles: 5))
        let all = H2Bench.BenchSession.SoakCheck(samples: samples, settledSecond: 12, streamsCompleted: 1, falseVerdicts: 0)
        #expect(all.openFilesRange! == (5, 18), "unfiltered, the teardown reads as growth")
        let driving = H2Bench.BenchSession.SoakCheck.whileDriving(samples, seconds: 120)
        #expect(driving.count == 120)
        let check = H2Bench.BenchSession.SoakCheck(samples: driving, settledSecond: 12, streamsCompleted: 1, falseVerdicts: 0)
        #expect(check.openFilesRange! == (18, 18))
        #expect(try #require(check.rssDrift()) == 0)
    }
}
