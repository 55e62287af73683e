import H2Results

/// The per-cell key figures shared by ``MarkdownReport`` and ``SummaryTable``.
///
/// Units: MB = 10^6 bytes; latencies in milliseconds, wake latency (`wakePoll`) in microseconds;
/// "–" where a histogram recorded nothing, "n/a" where the figure could not be measured.
enum CellTable {
    static func make(_ run: RunResult) -> TextTable {
        var table = TextTable([
            .init(title: "cell", alignment: .left),
            .init(title: "variant", alignment: .left),
            .init(title: "threads", alignment: .right),
            .init(title: "srv thr", alignment: .right),
            .init(title: "complete", alignment: .right),
            .init(title: "truncated", alignment: .right),
            .init(title: "other fail", alignment: .right),
            .init(title: "unfinished", alignment: .right),
            .init(title: "MB/s", alignment: .right),
            .init(title: "msgs/s", alignment: .right),
            .init(title: "streams/s", alignment: .right),
            .init(title: "ttfb p50 ms", alignment: .right),
            .init(title: "ttfb p99 ms", alignment: .right),
            .init(title: "gap p99 ms", alignment: .right),
            .init(title: "dur p99 ms", alignment: .right),
            .init(title: "wake p50 µs", alignment: .right),
            .init(title: "wake p99 µs", alignment: .right),
            .init(title: "cpu s", alignment: .right),
            .init(title: "RSS MB", alignment: .right),
        ])
        for cell in run.cells {
            let streams = cell.streams
            table.append([
                cell.id,
                cell.variant,
                NumberText.grouped(cell.threads),
                cell.serverThreads > 0 ? NumberText.grouped(cell.serverThreads) : NumberText.dash,
                NumberText.grouped(streams.complete),
                NumberText.grouped(streams.truncated),
                NumberText.grouped(streams.failed - streams.truncated),
                NumberText.grouped(streams.unfinished),
                NumberText.fixed(cell.throughput.bytesPerSecond / 1_000_000, decimals: 1),
                NumberText.fixed(cell.throughput.messagesPerSecond, decimals: 1),
                NumberText.fixed(cell.throughput.streamsPerSecond, decimals: 1),
                milliseconds(cell[.ttfb], \.p50),
                milliseconds(cell[.ttfb], \.p99),
                milliseconds(cell[.messageGap], \.p99),
                milliseconds(cell[.streamDuration], \.p99),
                wakeMicroseconds(cell, \.p50),
                wakeMicroseconds(cell, \.p99),
                NumberText.fixed(cell.cpu.totalSeconds, decimals: 2),
                NumberText.fixed(Double(cell.peakRSSBytes) / 1_000_000, decimals: 1),
            ])
        }
        return table
    }

    /// A `wakePoll` figure in µs with 1 decimal; "n/a" when the cell's wake figures are unavailable.
    static func wakeMicroseconds(_ cell: CellResult, _ figure: KeyPath<LatencySummary, Double>) -> String {
        cell.wake.available ? microseconds(cell[.wakePoll], figure) : notAvailable
    }

    /// A latency figure (µs in the summary) in µs with 1 decimal, or "–" when nothing was recorded.
    static func microseconds(_ summary: LatencySummary, _ figure: KeyPath<LatencySummary, Double>) -> String {
        summary.isEmpty ? NumberText.dash : NumberText.fixed(summary[keyPath: figure], decimals: 1)
    }

    /// Shown where a figure could not be measured (e.g. no kernel receive timestamps).
    static let notAvailable = "n/a"

    /// A latency figure (µs in the summary) as milliseconds with 3 decimals, or "–" when nothing was recorded.
    static func milliseconds(_ summary: LatencySummary, _ figure: KeyPath<LatencySummary, Double>) -> String {
        summary.isEmpty ? NumberText.dash : NumberText.fixed(summary[keyPath: figure] / 1000, decimals: 3)
    }
}
