import H2Profile
import H2Results

/// The issue-3 sections of `report.md`: wake latency, flow control and consumers, open loop, per-second series.
extension MarkdownReport {
    /// The rows of the wake table, per cell.
    static let wakeMetrics: [LatencyMetric] = [.wakePoll, .wakeDispatch, .delivery]

    static func wakeLatency(_ run: RunResult) -> String {
        guard !run.cells.isEmpty else { return "" }
        var out = "\n## Wake latency\n\n"
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "figure", alignment: .left),
            .init(title: "count", alignment: .right),
            .init(title: "p50 µs", alignment: .right),
            .init(title: "p90 µs", alignment: .right),
            .init(title: "p99 µs", alignment: .right),
            .init(title: "p99.9 µs", alignment: .right),
            .init(title: "max µs", alignment: .right),
        ])
        for cell in run.cells {
            for metric in wakeMetrics {
                let row: [String]
                if LatencyMetric.needsReceiveTimestamps.contains(metric), !cell.wake.available {
                    row = Array(repeating: CellTable.notAvailable, count: 6)
                } else {
                    let summary = cell[metric]
                    row = [summary.isEmpty ? NumberText.dash : NumberText.grouped(Int(clamping: summary.count))]
                        + [\LatencySummary.p50, \.p90, \.p99, \.p999, \.max].map { CellTable.microseconds(summary, $0) }
                }
                table.append([cell.id, metric.rawValue] + row)
            }
        }
        out += table.markdown()
        out += "\n*wakePoll*: first read of a wake − kernel receive timestamp of its bytes; *wakeDispatch*: message "
        out += "handed to its consumer − kernel timestamp of the read that completed it; *delivery*: consumer hand-off − "
        out += "the embedded server's send stamp. – = nothing recorded; n/a = not measurable in that cell.\n"
        // Each distinct note once, with the cells it applies to.
        var notes: [(note: String, cells: [String])] = []
        for cell in run.cells {
            guard let note = cell.wake.note else { continue }
            if let index = notes.firstIndex(where: { $0.note == note }) {
                notes[index].cells.append(cell.id)
            } else {
                notes.append((note, [cell.id]))
            }
        }
        if !notes.isEmpty { out += "\n" }
        for entry in notes {
            out += "- \(inline(entry.note)): " + entry.cells.map { "`\($0)`" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func flowControl(_ run: RunResult) -> String {
        guard !run.cells.isEmpty else { return "" }
        return "\n## Flow control and consumers\n\n" + flowControlTable(run).markdown()
            + "\n" + flowControlLegend + "\n"
    }

    /// Stamp and checksum coverage, when any cell checked stamps.
    static func integrityChecks(_ run: RunResult) -> String {
        guard let table = integrityTable(run) else { return "" }
        return "\n## Integrity checks\n\n" + table.markdown() + "\n" + integrityLegend + "\n"
    }

    /// What the columns of ``integrityTable(_:)`` mean (one paragraph, Markdown emphasis).
    static let integrityLegend = "*stamps checked*: stamped messages whose stamp (stream id, index, body length) was "
        + "checked — every stamped message. *bodies summed*: messages whose whole body was also summed against the "
        + "stamp's checksum, as `client.checksum` samples them (`all`, `none` or `1/N`); every body of a stream that "
        + "asked for a fault is summed whatever the sampling. A changed byte after the stamp is caught only in a summed body."

    /// One row per cell with stamped messages (shared with ``HTMLReport``); nil when there is none.
    static func integrityTable(_ run: RunResult) -> TextTable? {
        let cells = run.cells.filter { $0.checksum != nil }
        guard !cells.isEmpty else { return nil }
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "checksum", alignment: .left),
            .init(title: "stamps checked", alignment: .right),
            .init(title: "bodies summed", alignment: .right),
            .init(title: "share", alignment: .right),
            .init(title: "MB summed", alignment: .right),
        ])
        for cell in cells {
            guard let c = cell.checksum else { continue }
            table.append([cell.id, c.sampling, NumberText.grouped(c.messagesStampChecked), NumberText.grouped(c.messagesSummed),
                          NumberText.fixed(c.summedShare * 100, decimals: 1) + " %",
                          NumberText.fixed(Double(c.bytesSummed) / 1e6, decimals: 1)])
        }
        return table
    }

    /// What the columns of ``flowControlTable(_:)`` mean (one paragraph, Markdown emphasis).
    static let flowControlLegend = "*0-win s*: seconds the driver's receive window sat at zero (streams: summed over open streams; "
        + "conn: summed over connections with a stream open). *streams at 0* / *per-stream p99*: streams whose "
        + "window hit zero and their zero-window time. *WU*: WINDOW_UPDATE frames and increment bytes the driver "
        + "sent. *srv … stalls*: embedded server episodes with data ready and the stream's (or the connection's) "
        + "send window ≤ 0, with p99 duration; n/a = the target does not report them. *consumer delay s*: time slow "
        + "consumers spent delaying while their stream was open, summed over streams."

    /// The flow-control and consumer figures, one row per cell (shared with ``HTMLReport``).
    static func flowControlTable(_ run: RunResult) -> TextTable {
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "stream 0-win s", alignment: .right),
            .init(title: "conn 0-win s", alignment: .right),
            .init(title: "streams at 0", alignment: .right),
            .init(title: "per-stream p99 ms", alignment: .right),
            .init(title: "WU frames", alignment: .right),
            .init(title: "WU bytes", alignment: .right),
            .init(title: "srv stream stalls", alignment: .right),
            .init(title: "p99 ms", alignment: .right),
            .init(title: "srv conn stalls", alignment: .right),
            .init(title: "p99 ms", alignment: .right),
            .init(title: "slow streams", alignment: .right),
            .init(title: "consumer delay s", alignment: .right),
        ])
        for cell in run.cells {
            let flow = cell.flowControl
            let server: [String]
            if let stalls = flow.server {
                server = [
                    NumberText.grouped(stalls.streamStalls), CellTable.milliseconds(stalls.streamStallDuration, \.p99),
                    NumberText.grouped(stalls.connectionStalls), CellTable.milliseconds(stalls.connectionStallDuration, \.p99),
                ]
            } else {
                server = Array(repeating: CellTable.notAvailable, count: 4)
            }
            table.append([
                cell.id,
                NumberText.fixed(flow.streamZeroWindowSeconds, decimals: 3),
                NumberText.fixed(flow.connectionZeroWindowSeconds, decimals: 3),
                NumberText.grouped(Int(clamping: flow.streamZeroWindowPerStream.count)),
                CellTable.milliseconds(flow.streamZeroWindowPerStream, \.p99),
                NumberText.grouped(flow.windowUpdateFramesSent),
                NumberText.grouped(flow.windowUpdateBytesSent),
            ] + server + [
                NumberText.grouped(cell.consumers.slowStreams),
                NumberText.fixed(cell.consumers.delaySeconds, decimals: 3),
            ])
        }
        return table
    }

    static func openLoop(_ run: RunResult) -> String {
        let cells = run.cells.filter { $0.openLoop != nil }
        guard !cells.isEmpty else { return "" }
        var out = "\n## Open loop\n\n"
        for cell in cells {
            guard let open = cell.openLoop else { continue }
            out += "- `\(cell.id)`: \(openLoopSummary(open))\n"
        }
        return out + "\n\(openLoopLegend)\n"
    }

    /// One cell's open-loop figures as plain text (shared by report.md and report.html).
    static func openLoopSummary(_ open: OpenLoopResult) -> String {
        "requested \(NumberText.fixed(open.requestedRate, decimals: 1)) streams/s, "
            + "achieved \(NumberText.fixed(open.achievedRate, decimals: 1)) streams/s; "
            + "\(NumberText.grouped(open.lateStarts)) of \(NumberText.grouped(open.intendedStarts)) starts late (> 1 ms), "
            + "max start lag \(NumberText.fixed(open.maxStartLagMillis, decimals: 3)) ms"
    }

    /// What open-loop latencies mean (shared by report.md and report.html).
    static let openLoopLegend = "Latencies of these cells are measured from the intended start time (coordinated omission corrected)."

    static func series(_ run: RunResult) -> String {
        let cells = run.cells.filter { !$0.series.isEmpty }
        guard !cells.isEmpty else { return "" }
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "seconds", alignment: .right),
            .init(title: "MB/s per second", alignment: .left),
            .init(title: "MB/s min … max", alignment: .right),
            .init(title: "wake p99 µs per second", alignment: .left),
            .init(title: "wake p99 µs min … max", alignment: .right),
        ])
        var folded = false
        for cell in cells {
            let rates = cell.series.map { Double($0.bytes) / 1_000_000 }
            let wakes = cell.series.map(\.wakePollP99Micros)
            let rateLine = Sparkline(rates.map { $0 }, fold: { $0.reduce(0, +) / Double($0.count) })
            let wakeLine = Sparkline(wakes, fold: { $0.max() ?? 0 })
            folded = folded || rateLine.valuesPerCharacter > 1
            let present = wakes.compactMap { $0 }
            table.append([
                cell.id,
                NumberText.grouped(cell.series.count),
                "`\(rateLine.text)`",
                range(rates, decimals: 1),
                present.isEmpty ? (cell.wake.available ? NumberText.dash : CellTable.notAvailable) : "`\(wakeLine.text)`",
                present.isEmpty ? NumberText.dash : range(present, decimals: 1),
            ])
        }
        var out = "\n## Per-second series\n\n" + table.markdown()
        out += "\nOne character per second of the measured window"
        if folded { out += " (long series: one character per several seconds, mean MB/s and max wake p99)" }
        out += ", scaled from 0 to the cell's maximum; · = no wake sample in that second. Full series in run.json (`series`).\n"
        return out
    }

    private static func range(_ values: [Double], decimals: Int) -> String {
        guard let low = values.min(), let high = values.max() else { return NumberText.dash }
        return "\(NumberText.fixed(low, decimals: decimals)) … \(NumberText.fixed(high, decimals: decimals))"
    }
}
