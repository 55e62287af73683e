import Foundation
import Glibc
import H2Driver
import H2Loop
import H2Profile
import H2Report
import H2Results
import H2Wire
import Synchronization

/// The soak scenario: 1,000 concurrent paced gRPC streams (10 connections × 100), stamped and
/// fully checksummed, churning for `--duration` (`bench --scenarios soak --duration 1h`), while a
/// sampler thread records the driver process's RSS and open file descriptors once a second.
///
/// The verdict: RSS at the end against RSS once the run has settled (after a tenth of it, at
/// least 10 s; drift goal ``BenchGoals/soakRSSDrift``), descriptors flat after that point, and no
/// `truncated` or `integrity` stream at all — those would be false verdicts, since the embedded
/// target sends every planned message. A false verdict or growing descriptors fail the scenario.
extension BenchSession {
    /// Once-a-second samples of this process.
    struct SoakSample: Sendable {
        var second: Int
        var rssBytes: Int
        var openFiles: Int
    }

    /// What the soak measured.
    struct SoakCheck: Sendable {
        var samples: [SoakSample]
        var settledSecond: Int
        var streamsCompleted: Int
        var falseVerdicts: Int
        /// Heap bytes of the run's per-second series for the seconds after settling: growth by
        /// design (≤ about 2 KB per second, capped at an hour), reported apart from the drift.
        var seriesBytesAfterSettling = 0

        var settled: SoakSample? { samples.first { $0.second >= settledSecond } ?? samples.first }
        var last: SoakSample? { samples.last }
        /// (RSS at the end − `excluded`) ÷ RSS once settled − 1.
        func rssDrift(excluding excluded: Int = 0) -> Double? {
            guard let settled, let last, settled.rssBytes > 0 else { return nil }
            return Double(last.rssBytes - excluded) / Double(settled.rssBytes) - 1
        }
        /// ``rssDrift(excluding:)`` without the per-second series' own growth: what a leak would
        /// show. The goal is judged on this one.
        var rssDriftBeyondSeries: Double? { rssDrift(excluding: seriesBytesAfterSettling) }
        /// Open descriptors after settling: (min, max).
        var openFilesRange: (Int, Int)? {
            let after = samples.filter { $0.second >= settledSecond }.map(\.openFiles)
            guard let low = after.min(), let high = after.max() else { return nil }
            return (low, high)
        }
        /// The samples taken while the driver certainly still ran: those of its first `seconds`. The
        /// sampler stops only once `Driver.run` has returned, so a last sample may fall inside the
        /// driver's teardown, which closes every connection and frees its buffers (a CI run read
        /// descriptors "growing" from 5 to 18 that way: the 5 was taken after the teardown).
        static func whileDriving(_ samples: [SoakSample], seconds: Int) -> [SoakSample] {
            samples.filter { $0.second < seconds }
        }
        /// ``openFilesRange`` as `20–21`, or `n/a`.
        var openFilesText: String { openFilesRange.map { "\($0.0)–\($0.1)" } ?? "n/a" }
    }

    static let soakConnections = 10
    static let soakStreamsPerConnection = 100

    func driverSoak(scenario: BenchScenario) throws(BenchError) -> BenchRow {
        let server = try startEmbedded()
        // 100 messages of 1 KiB, 10 ms apart: each stream lives about 1 s, so streams churn.
        let spec = ServerStreamSpec(messages: 100, size: .kibibytes(1), interval: .milliseconds(10))
        let plan = PlanBuilder.plan(for: .grpcServerStream(spec), stamped: true, checksum: .all)
        var settings = HTTP2Settings()
        settings.connectionWindowSize = 1 << 20
        let driverOptions = Driver.Options(
            threads: 1, connections: Self.soakConnections, streamsPerConnection: Self.soakStreamsPerConnection,
            plans: [plan], weights: [1], settings: settings, warmupNanoseconds: 0,
            durationNanoseconds: options.duration.nanoseconds, rxTimestamps: options.rxTimestamps)
        let stop = Atomic<Bool>(false)
        let sampler = WorkerThread.spawn(name: "h2s-soak-sampler") { () -> [SoakSample] in
            var samples: [SoakSample] = []
            let start = MonotonicClock.now()
            var next = start
            while !stop.load(ordering: .acquiring) {
                let now = MonotonicClock.now()
                if now >= next {
                    samples.append(SoakSample(second: Int((now - start) / 1_000_000_000), rssBytes: Self.residentBytes(),
                                              openFiles: Self.openFiles()))
                    next += 1_000_000_000
                }
                usleep(50_000)   // the sampling period's granularity, not a synchronisation
            }
            return samples
        }
        let result = Driver.run(driverOptions, target: TargetAddress(host: "127.0.0.1", port: server.port), control: control)
        stop.store(true, ordering: .releasing)
        let samples = sampler.join()
        let served = server.stop()
        let m = result.measurements
        let seconds = Int(options.duration.nanoseconds / 1_000_000_000)
        let settledSecond = max(10, seconds / 10)
        let check = SoakCheck(samples: SoakCheck.whileDriving(samples, seconds: seconds), settledSecond: settledSecond, streamsCompleted: m.outcomes.complete,
                              falseVerdicts: m.outcomes.truncated + m.outcomes.integrity,
                              seriesBytesAfterSettling: m.series.heapBytes(fromSecond: settledSecond))
        soakCheck = check
        var row = BenchRow(
            scenario: scenario.description, client: "h2stress", measuredSeconds: result.measuredSeconds,
            bodyBytes: m.bytesReceived, megabytesPerSecond: Self.rate(Double(m.bytesReceived), result.measuredSeconds) / 1e6,
            requestsPerSecond: Self.rate(Double(m.outcomes.complete), result.measuredSeconds),
            cpuUserSeconds: result.userSeconds, cpuSystemSeconds: result.systemSeconds,
            bytesServedWholeRun: served.dataBytesSent, cpuSecondsPerGB: nil, ratioToH2load: nil,
            peakRSSBytes: Int(ProcessUsage.current().peakRSSBytes), serverCPUSeconds: served.exit.cpuSeconds,
            failures: m.outcomes.failed + m.connectionErrors.count)
        let drift = check.rssDrift().map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
        let beyond = check.rssDriftBeyondSeries.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
        row.notes.append("\(m.streamsStarted) streams started, \(m.outcomes.complete) complete, \(m.outcomes.truncated) truncated, "
                         + "\(m.outcomes.integrity) integrity, \(m.outcomes.failed) failed; req/s column = completed streams/s")
        row.notes.append("RSS \(Self.megabytes(check.settled?.rssBytes ?? 0)) MB at \(check.settled?.second ?? 0) s, "
                         + "\(Self.megabytes(check.last?.rssBytes ?? 0)) MB at the end (\(drift)); the per-second series grew by "
                         + "\(Self.megabytes(check.seriesBytesAfterSettling)) MB meanwhile, the rest \(beyond); open files after settling \(check.openFilesText)")
        row.notes += m.connectionErrors.prefix(3).map { "connection error: \($0)" }
        if check.falseVerdicts > 0 {
            throw BenchError("soak: \(check.falseVerdicts) streams ended truncated or integrity against a target that sends every message")
        }
        if let (low, high) = check.openFilesRange, high - low > Self.soakConnections {
            throw BenchError("soak: open file descriptors grew from \(low) to \(high) after settling")
        }
        return row
    }

    /// This process's resident set (`VmRSS`), bytes.
    static func residentBytes() -> Int { ProcessUsage.residentBytes(ofProcess: getpid()) }

    /// This process's open file descriptors (entries of `/proc/self/fd`).
    static func openFiles() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}
