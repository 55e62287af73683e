import Foundation
import Testing
@testable import H2Profile

/// `validate`'s time estimate (issue 9 §5): cells with `totalStreams` end when those streams are
/// done, so the estimate must not be Σ (warm-up + duration) for them.
@Suite("WallTimeEstimate")
struct WallTimeEstimateTests {
    /// A profile of one 1 s server stream (10 messages, 100 ms apart) plus `extra` lines.
    static func load(_ extra: String, mix: String = "[{grpc.serverStream: {messages: 10, size: 100B, interval: 100ms}}]",
                     target: String = "embedded") throws -> LoadedProfile {
        try ProfileLoader.parse(yaml: """
            name: estimate
            target: \(target)
            warmup: 1s
            duration: 2m
            mix: \(mix)
            \(extra)
            """, file: "estimate.yaml")
    }

    @Test("without totalStreams every cell runs warm-up + duration: one figure, `about`")
    func withoutTotalStreams() throws {
        let loaded = try Self.load("sweep: {threads: [1, 2], repeats: 2}")
        #expect(loaded.wallTime.paced == .seconds(4 * 121))
        #expect(loaded.wallTime.atMost == .seconds(4 * 121))
        #expect(loaded.wallTime.description == "about 8m 4s of load")
    }

    @Test("totalStreams runs in rounds of the concurrent streams at the mix's pace; duration stays the bound")
    func roundsOfConcurrentStreams() throws {
        // 2 connections × 50 streams = 100 at once; 1,000 streams = 10 rounds of 1 s.
        let loaded = try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000")
        #expect(loaded.wallTime.paced == .seconds(1 + 10))
        #expect(loaded.wallTime.atMost == .seconds(121))
        #expect(loaded.wallTime.description
                == "11s to 2m 1s of load (a cell ends after `totalStreams` streams, at the latest at `duration`)")
        // Two workers with one connection and 500 streams each: the same 10 rounds.
        #expect(try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000\nthreads: 2").wallTime.paced == .seconds(11))
        // One stream more needs an 11th round.
        #expect(try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1001").wallTime.paced == .seconds(12))
        // Three variants × two thread counts: six cells, each 11 s.
        let swept = try Self.load("""
            connections: 2
            streamsPerConnection: 50
            totalStreams: 1000
            sweep: {threads: [1, 2], variants: [{name: a}, {name: b}, {name: c}]}
            """)
        #expect(swept.wallTime.paced == .seconds(6 * 11))
        #expect(swept.wallTime.atMost == .seconds(6 * 121))
    }

    @Test("a cell never counts longer than its duration")
    func cappedByDuration() throws {
        let loaded = try Self.load("connections: 1\nstreamsPerConnection: 10\ntotalStreams: 100000")
        #expect(loaded.wallTime.paced == loaded.wallTime.atMost)
        #expect(loaded.wallTime.description == "about 2m 1s of load")
    }

    @Test("the weighted mean paced time per round, and at least the longest paced stream")
    func weightedMix() throws {
        let mix = "[{weight: 1, grpc.serverStream: {messages: 10, size: 100B, interval: 100ms}}, {weight: 3, grpc.unary: {requestSize: 1B, responseSize: 1B}}]"
        // Mean 250 ms; 10 rounds of 100.
        let many = try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000", mix: mix)
        #expect(many.wallTime.paced == .milliseconds(1_000 + 2_500))
        // One round of 50: the 1 s stream is still drawn and takes its second.
        let few = try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 50", mix: mix)
        #expect(few.wallTime.paced == .seconds(1 + 1))
    }

    @Test("client.deadline ends a paced stream early; server.maxConcurrentStreams limits the rounds")
    func deadlineAndServerLimit() throws {
        let deadline = try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000\nclient: {deadline: 300ms}")
        #expect(deadline.wallTime.paced == .milliseconds(1_000 + 3_000))
        let limited = try Self.load("connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000\nserver: {maxConcurrentStreams: 25}")
        #expect(limited.wallTime.paced == .seconds(1 + 20))
    }

    @Test("faults change the pace of the streams that ask for them")
    func faults() throws {
        let unary = "[{grpc.unary: {requestSize: 1B, responseSize: 1B}}]"
        let base = "connections: 2\nstreamsPerConnection: 50\ntotalStreams: 1000\n"
        // Half the calls delayed 2 s, ended by the 1.5 s deadline: a mean of 750 ms per round.
        let delayed = try Self.load(base + "client: {deadline: 1500ms}\nfaults: [{kind: delay, share: 0.5, pause: 2s}]", mix: unary)
        #expect(delayed.wallTime.paced == .milliseconds(1_000 + 7_500))
        // Withheld credit lasts until the deadline.
        let withheld = try Self.load(base + "client: {deadline: 500ms}\nfaults: [{kind: withhold-credit, share: 0.5}]",
                                     mix: "[{grpc.unary: {requestSize: 256KiB, responseSize: 1B}}]")
        #expect(withheld.wallTime.paced == .milliseconds(1_000 + 2_500))
        // A reset after 2 of 10 paced messages ends that stream after 200 ms: mean 600 ms.
        let reset = try Self.load(base + "faults: [{kind: rst, share: 0.5, after: 2}]")
        #expect(reset.wallTime.paced == .milliseconds(1_000 + 6_000))
        // A stall adds its pause to the paced second.
        let stalled = try Self.load(base + "faults: [{kind: stall, share: 1, after: 2, pause: 1s}]")
        #expect(stalled.wallTime.paced == .seconds(1 + 20))
    }

    @Test("open loop: totalStreams / rate plus the mean paced time")
    func openLoop() throws {
        let unary = "[{grpc.unary: {requestSize: 1B, responseSize: 1B}}]"
        let loaded = try Self.load("rate: 100\nconnections: 1\nstreamsPerConnection: 100\ntotalStreams: 1000", mix: unary)
        #expect(loaded.wallTime.paced == .seconds(1 + 10))
        let paced = try Self.load("rate: 100\nconnections: 10\nstreamsPerConnection: 100\ntotalStreams: 1000")
        #expect(paced.wallTime.paced == .seconds(1 + 10 + 1))
    }

    @Test("an unpaced mix counts as instant: only the warm-ups, with the duration as the bound")
    func unpacedMix() throws {
        let loaded = try Self.load("totalStreams: 500", mix: "[{http.get: {size: 1KiB}}]")
        #expect(loaded.wallTime.paced == .seconds(1))
        #expect(loaded.wallTime.description.hasPrefix("1s to 2m 1s of load"))
    }

    @Test("`run --streams` replaces each cell's totalStreams")
    func streamsOption() throws {
        let loaded = try Self.load("connections: 2\nstreamsPerConnection: 50")
        #expect(WallTimeEstimate(cells: loaded.cells, totalStreams: 300).paced == .seconds(1 + 3))
        #expect(WallTimeEstimate(cells: loaded.cells).paced == .seconds(121))
    }

    @Test("times are shown rounded, in h, m, s (ms below a second)")
    func approximateText() {
        #expect(WallTimeEstimate.approximate(.zero) == "0s")
        #expect(WallTimeEstimate.approximate(.milliseconds(250)) == "250ms")
        #expect(WallTimeEstimate.approximate(TimeSpan(nanoseconds: 999_600_000)) == "1s")
        #expect(WallTimeEstimate.approximate(TimeSpan(nanoseconds: 44_600_000_000)) == "45s")
        #expect(WallTimeEstimate.approximate(.seconds(210)) == "3m 30s")
        #expect(WallTimeEstimate.approximate(.seconds(18 * 60)) == "18m")
        #expect(WallTimeEstimate.approximate(.seconds(3_600 + 120)) == "1h 2m")
    }
}
