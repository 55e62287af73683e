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
        #expect(try BenchOptions.scenarios("threads") == [.threadScaling])
        #expect(try BenchOptions.scenarios("1000b,2KiB") == [.download(bodyBytes: 1000), .download(bodyBytes: 2048)])
        options = BenchOptions()
        options.connections = 1
        options.threads = 2
        #expect(throws: BenchError.self) { try options.validate() }
    }

    @Test("--target takes h2c://host:port[/path], IPv6 in brackets, and says what to write otherwise")
    func targetURL() throws {
        #expect(try BenchTarget(url: "h2c://127.0.0.1:18446/f100") == .external(host: "127.0.0.1", port: 18446, path: "/f100"))
        #expect(try BenchTarget(url: "h2c://localhost:80") == .external(host: "localhost", port: 80, path: nil))
        #expect(try BenchTarget(url: "h2c://[::1]:8080/") == .external(host: "::1", port: 8080, path: nil))
        for (url, hint) in [("https://x:443/", "cleartext"), ("http://x:80/", "h2c://"), ("h2c://x/", "port"), ("h2c://:80", "host"),
                            ("h2c://x:0", "port"), ("h2c://x:99999", "port")] {
            #expect {
                try BenchTarget(url: url)
            } throws: { ($0 as? BenchError)?.description.contains(hint) == true && ($0 as? BenchError)?.description.contains(url) == true }
        }
    }

    @Test("--target refuses the scenarios that need the embedded server, naming the scenario")
    func targetScenarios() throws {
        var options = BenchOptions()
        options.target = .external(host: "127.0.0.1", port: 1, path: nil)
        options.scenarios = [.download(bodyBytes: 100), .unary, .threadScaling]
        try options.validate()
        options.scenarios = [.download(bodyBytes: 100), .manyStreams]
        #expect {
            try options.validate()
        } throws: { ($0 as? BenchError)?.description.contains("10k streams") == true }
    }

    @Test("large bodies are held to largeBodyCPURatio, small streams to cpuRatio")
    func ratioGoalBySize() {
        let goals = BenchGoals()
        #expect(goals.cpuRatio(smallStreams: true) == 1.0 && goals.cpuRatio(smallStreams: false) == 0.75)
        #expect(goals.threadScaling == 1.10)
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
