import Foundation
import Glibc
import H2Loop
import H2Report
import H2Target
import H2Wire
import H2Profile
import H2Results
import H2Driver

/// What a bench session prints and writes: the machine and settings lines, the table, the
/// goals and the JSON file.
extension BenchSession {
    // MARK: Output

    /// `machine: 2 cores (CPU model), Linux 6.x, nghttp2 1.52.0, load average 1.2 (1 min)`.
    func machineLine() -> String {
        let env = EnvironmentInfo.current(nghttp2Version: nghttp2VersionString())
        var load = [Double](repeating: 0, count: 3)
        let loadText = getloadavg(&load, 3) == 3 ? String(format: "%.2f", load[0]) : "?"
        return "machine: \(env.cores) cores (\(Self.cpuModel())), \(env.kernel), \(env.os), nghttp2 \(env.nghttp2Version), load average \(loadText) (1 min) at start"
    }

    /// The settings both clients share.
    func settingsLine() -> String {
        "settings (both clients): \(options.connections) connections × \(options.streams) streams, 1 client thread, "
            + "stream window 2^\(options.windowBits)-1, connection window 2^\(options.connectionWindowBits)-1, "
            + "max frame \(options.maxFrameSize), warm-up \(options.target.isExternal ? "none" : options.warmup.description), measured \(options.duration), "
            + "\(options.repeats) run\(options.repeats == 1 ? "" : "s") each (table: medians); "
            + (options.target.isExternal ? "target \(options.target); "
               : "target `h2stress serve` child, \(options.serverThreads) thread\(options.serverThreads == 1 ? "" : "s"); ")
            + "driver rx timestamps \(options.rxTimestamps ? "on" : "off")"
    }

    /// The aligned table of every row, then each row's notes.
    func table() -> String {
        let titles = ["scenario", "client", "MB/s", "req/s", "CPU s", "CPU-s/GB", "µs/stream", "×h2load", "RSS MB", "server CPU s", "failed"]
        var table = TextTable(titles.enumerated().map { .init(title: $1, alignment: $0 < 2 ? .left : .right) })
        for r in rows {
            table.append([
                r.scenario, r.client, String(format: "%.1f", r.megabytesPerSecond), String(format: "%.0f", r.requestsPerSecond),
                String(format: "%.2f", r.cpuSeconds), r.cpuSecondsPerGB.map { String(format: "%.3f", $0) } ?? "–",
                r.cpuMicrosecondsPerStream.map { String(format: "%.2f", $0) } ?? "–",
                r.ratioToH2load.map { String(format: "%.2f", $0) } ?? "",
                Self.megabytes(r.peakRSSBytes), r.serverCPUSeconds.map { String(format: "%.2f", $0) } ?? "–", String(r.failures),
            ])
        }
        var lines = [String(table.plain().dropLast())]
        for r in rows where !r.notes.isEmpty {
            for note in r.notes { lines.append("  [\(r.scenario), \(r.client)] \(note)") }
        }
        return lines.joined(separator: "\n")
    }

    /// Each goal of ``BenchOptions/goals`` that the scenarios run could evaluate, met or missed, with the margin.
    func goalLines() -> [String] {
        let goals = options.goals
        var lines = ["goals:"]
        for (scenario, small, ratios) in sideBySideRatios {
            guard let mid = Statistics.median(ratios) else { continue }
            let interval = Statistics.bootstrapMedianInterval(ratios).map {
                String(format: ", 95%% interval %.2f–%.2f×", $0.lowerBound, $0.upperBound)
            } ?? ""
            let goal = goals.cpuRatio(smallStreams: small)
            lines.append(String(format: "  %@ h2stress ≤ %.2f× h2load, %@, side by side: %.2f× (median of %d rounds%@) — %@",
                                small ? "CPU per stream" : "CPU-s/GB", goal, scenario, mid, ratios.count, interval, mid <= goal ? "met" : "MISSED"))
        }
        for r in rows where r.client == "h2stress" {
            guard let ratio = r.ratioToH2load else { continue }
            let goal = goals.cpuRatio(smallStreams: r.isSmallStreams)
            let verdict = ratio <= goal ? "met" : String(format: "MISSED by %.0f%%", (ratio / goal - 1) * 100)
            let later = r.isSmallStreams && ratio <= goals.laterCPURatio ? String(format: "; later goal ≤ %.1f× met", goals.laterCPURatio) : ""
            lines.append(String(format: "  %@ h2stress ≤ %.2f× h2load, %@: %.2f× — %@%@", r.isSmallStreams ? "CPU per stream" : "CPU-s/GB", goal,
                                r.scenario, ratio, verdict, later))
        }
        if let check = threadScalingCheck, let ours = Statistics.median(check.h2stress) {
            let theirs = Statistics.median(check.h2load).map { String(format: " (h2load %.2f×)", $0) } ?? ""
            lines.append(String(format: "  CPU per stream with 2 threads ≤ %.2f× the 1-thread figure: %.2f×%@, median of %d rounds — %@",
                                goals.threadScaling, ours, theirs, check.h2stress.count, ours <= goals.threadScaling ? "met" : "MISSED"))
        }
        if let r = rows.first(where: { $0.client == "h2stress" && $0.scenario == BenchScenario.download(bodyBytes: 65_536).description }) {
            let floor = goals.megabytesPerSecond64k
            let verdict = r.megabytesPerSecond >= floor ? "met" : String(format: "MISSED by %.0f%%", (1 - r.megabytesPerSecond / floor) * 100)
            lines.append(String(format: "  ≥ %.0f MB/s on 64 KiB bodies with 1 driver thread: %.0f MB/s — %@", floor, r.megabytesPerSecond, verdict))
        }
        if let check = manyStreamsCheck {
            let rssOK = check.rssBytes <= goals.manyStreamsRSSBytes
            lines.append("  10,000 concurrent streams with driver RSS ≤ \(goals.manyStreamsRSSBytes / 1_000_000) MB: \(check.open) open at the end, "
                         + "peak RSS \(Self.megabytes(check.rssBytes)) MB — "
                         + (check.ok && rssOK ? "met" : (check.ok ? "RSS over budget" : "not all streams were open")))
        }
        if let pairs = overheadCheck, let mid = Statistics.median(pairs) {
            let parts = options.measurementText + (options.measurement.contains("stamps") ? ", checksum \(options.checksum)" : "")
            let interval = Statistics.bootstrapMedianInterval(pairs).map {
                String(format: ", 95%% interval %+.1f%% … %+.1f%%", $0.lowerBound * 100, $0.upperBound * 100)
            } ?? ""
            lines.append(String(format: "  measurement overhead (%@) ≤ %.0f%% of CPU-s/GB: %+.1f%% (median of %d rounds, each on ÷ off%@; rounds %+.1f%% … %+.1f%%) — %@",
                                parts, goals.measurementOverhead * 100, mid * 100, pairs.count, interval, pairs.min()! * 100, pairs.max()! * 100,
                                mid <= goals.measurementOverhead ? "met" : "MISSED"))
        }
        if let check = idleWakeCheck {
            lines.append(String(format: "  idle wakePoll p50 ≤ %.0f µs: %.1f µs (p99 %.1f µs) — %@", goals.idleWakeP50Microseconds, check.p50, check.p99,
                                check.p50 <= goals.idleWakeP50Microseconds ? "met" : "MISSED"))
        }
        if let soak = soakCheck, let drift = soak.rssDriftBeyondSeries, let total = soak.rssDrift() {
            lines.append(String(format: "  soak RSS drift beyond the per-second series ≤ %.0f%%: %+.1f%% over %d s (%+.1f%% with the series' %.1f MB; "
                                + "open files %@, %d streams complete, %d false truncated/integrity) — %@",
                                goals.soakRSSDrift * 100, drift * 100, soak.last?.second ?? 0, total * 100,
                                Double(soak.seriesBytesAfterSettling) / 1e6, soak.openFilesText, soak.streamsCompleted, soak.falseVerdicts,
                                drift <= goals.soakRSSDrift && soak.falseVerdicts == 0 ? "met" : "MISSED"))
        }
        if lines.count == 1 { lines.append("  (no goal could be evaluated)") }
        return lines
    }

    /// Writes the machine, settings, rows and goal verdicts as JSON.
    func writeJSON(to path: String) throws {
        struct Report: Encodable {
            var date: String
            var machine: String
            var settings: String
            var debugBuild: Bool
            var rows: [BenchRow]
            var runs: [BenchRow]
            var errors: [String]
            var goals: [String]
        }
        #if DEBUG
        let debug = true
        #else
        let debug = false
        #endif
        let report = Report(date: ISO8601DateFormatter().string(from: startedAt), machine: machineLine(),
                            settings: settingsLine(), debugBuild: debug, rows: rows, runs: runs, errors: errors, goals: goalLines())
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: path))
    }

    private static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown CPU" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let value = line.split(separator: ":", maxSplits: 1).last { return value.trimmingCharacters(in: .whitespaces) }
        }
        return "unknown CPU"
    }
}
