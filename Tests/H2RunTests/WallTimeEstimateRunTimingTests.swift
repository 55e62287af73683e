import H2Driver
import H2Loop
import H2Profile
import H2Run
import H2Target
import H2TestSupport
import Testing

/// The wall-time estimate `validate` prints, against a real run of the embedded server.
@Suite(.tags(.timing))
struct WallTimeEstimateRunTimingTests {
    @Test("against the embedded server the cell ends when totalStreams are done, close to the paced estimate")
    func matchesARealRun() throws {
        // 1 connection × 10 streams, 40 streams of 4 messages 50 ms apart: 4 rounds of 200 ms.
        let loaded = try ProfileLoader.parse(yaml: """
            name: estimate-run
            duration: 30s
            connections: 1
            streamsPerConnection: 10
            totalStreams: 40
            mix: [{grpc.serverStream: {messages: 4, size: 100B, interval: 50ms}}]
            """, file: "estimate-run.yaml")
        let estimate = loaded.wallTime
        #expect(estimate.paced == .milliseconds(800))
        let runner = Runner(loaded: loaded, launcher: EmbeddedTargetLauncher(), control: RunControl())
        let started = MonotonicClock.now()
        let run = runner.run(runID: "estimate")
        let elapsed = Double(MonotonicClock.now() - started) / 1e9
        let cell = try #require(run.cells.first)
        #expect(cell.streams.complete == 40)
        #expect(cell.durationSeconds >= 0.8 * estimate.paced.seconds, "measured \(cell.durationSeconds) s")
        #expect(elapsed < estimate.paced.seconds + 10 && elapsed < estimate.atMost.seconds,
                "the cell took \(elapsed) s for an estimate of \(estimate)")
    }
}
