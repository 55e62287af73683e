import H2Wire
import H2Results

/// Synthetic runs for gate and compare tests: cells whose stream durations and throughput are drawn from
/// seeded distributions, so "noise only" and "real regression" cases are reproducible.
enum GateSyntheticRuns {
    /// One cell: `streams` stream durations uniformly in `durationMillis` ± 10 %, `bytesPerSecond` ± 5 %.
    static func cell(index: Int, variant: String, repeat run: Int, durationMillis: Double, bytesPerSecond: Double,
                     truncated: Int = 0, generator: inout SplitMix64) -> CellResult {
        var measurements = CellMeasurements()
        measurements.outcomes.complete = 200
        measurements.outcomes.truncated = truncated
        measurements.streamsStarted = 200 + truncated
        func jitter(_ spread: Double) -> Double { 1 + spread * (Double(generator.next() % 10_001) / 5_000 - 1) }
        measurements.bytesReceived = Int(bytesPerSecond * 2 * jitter(0.05))
        for _ in 0..<200 {
            measurements.streamDuration.record(nanoseconds: UInt64(durationMillis * 1e6 * jitter(0.1)))
            measurements.ttfb.record(nanoseconds: 100_000)
        }
        measurements.readsWithTimestamp = 100
        for n in UInt64(0)..<100 { measurements.wakePoll.record(nanoseconds: 20_000 + n * 100) }
        return CellResult(index: index, id: "\(variant)/t1/s1/r\(run)", threads: 1, serverThreads: 1, variant: variant,
                          repeat: run, durationSeconds: 2, measurements: measurements,
                          cpu: CPUUsage(userSeconds: 1, systemSeconds: 0.5), peakRSSBytes: 1 << 26)
    }

    /// A complete run of `variants` (name, stream duration ms, bytes/s) × `repeats`, drawn with `seed`.
    static func run(id: String, seed: UInt64, repeats: Int, variants: [(String, Double, Double)], truncatedIn: String? = nil) -> RunResult {
        var generator = SplitMix64(seed: seed)
        var cells: [CellResult] = []
        for (name, millis, rate) in variants {
            for run in 1...repeats {
                cells.append(cell(index: cells.count, variant: name, repeat: run, durationMillis: millis, bytesPerSecond: rate,
                                  truncated: name == truncatedIn && run == repeats ? 3 : 0, generator: &generator))
            }
        }
        return RunResult(runID: id, startedAt: "2025-01-01T00:00:00Z", finishedAt: "2025-01-01T00:01:00Z", status: .complete,
                         environment: SyntheticRun.environment, profileFile: "profiles/ci-gate.yaml",
                         profile: .object(["name": .string("ci-gate")]), target: "embedded 127.0.0.1:1", cells: cells)
    }
}
