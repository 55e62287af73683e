import Foundation
import H2Results

/// The shard sections of the reports: which shard a shard run was, and the per-shard table of a
/// merged run (shared with ``HTMLReport``).
extension MarkdownReport {
    /// `## Shard` for a shard run, `## Shards` for a merged run; empty for other runs.
    static func shards(_ run: RunResult) -> String {
        if let table = mergedShardTable(run) {
            return "\n## Shards\n\n" + mergedShardSummary(run) + "\n\n" + table.markdown() + "\n" + mergedShardLegend + "\n"
        }
        guard let table = shardTable(run) else { return "" }
        return "\n## Shard\n\n" + shardSummary(run) + "\n\n" + table.markdown()
    }

    /// "Merged from 3 shard runs …; … began at most 2.1 ms apart."
    static func mergedShardSummary(_ run: RunResult) -> String {
        guard let merge = run.merge else { return "" }
        var text = "Merged from \(merge.shardCount) shard runs (docs/scale-out.md)"
        if let spread = merge.maxStartSpreadMilliseconds {
            text += "; the shards' measured windows of a cell began at most \(NumberText.fixed(spread, decimals: 1)) ms apart"
        }
        return text + "."
    }

    /// What the per-shard table's columns mean.
    static let mergedShardLegend = "*late ms*: how long after its slot of the start schedule the shard began the cell (– without `--start-at`); "
        + "*cpu s* and *RSS MB*: the shard's driver CPU seconds and peak resident set."

    /// One row per shard and cell of a merged run; `nil` for other runs.
    static func mergedShardTable(_ run: RunResult) -> TextTable? {
        guard let merge = run.merge else { return nil }
        var table = TextTable([
            .init(title: "shard", alignment: .left), .init(title: "cell", alignment: .left),
            .init(title: "cpu s", alignment: .right), .init(title: "RSS MB", alignment: .right),
            .init(title: "late ms", alignment: .right), .init(title: "conn errors", alignment: .right),
            .init(title: "started", alignment: .right), .init(title: "complete", alignment: .right),
        ])
        for row in merge.rows {
            table.append([row.shard, row.cell, NumberText.fixed(row.cpuSeconds, decimals: 2),
                          NumberText.fixed(Double(row.peakRSSBytes) / 1e6, decimals: 1),
                          row.lateMilliseconds.map { NumberText.fixed($0, decimals: 1) } ?? NumberText.dash,
                          NumberText.grouped(row.connectionErrors), NumberText.grouped(row.streamsStarted), NumberText.grouped(row.complete)])
        }
        return table
    }

    /// "Shard 1/3 of the run (profile hash …), start schedule from …."
    static func shardSummary(_ run: RunResult) -> String {
        guard let shard = run.shard else { return "" }
        var text = "Shard \(shard.label) of the run (profile hash `\(run.profileHash ?? NumberText.dash)`)"
        if let startAt = shard.startAt { text += ", start schedule from \(startAt)" }
        return text + ". Merge every shard's folder with `h2stress merge`."
    }

    /// The shard's share of each cell and how late it began it; `nil` for runs that are not shards.
    static func shardTable(_ run: RunResult) -> TextTable? {
        guard let shard = run.shard else { return nil }
        var table = TextTable([
            .init(title: "cell", alignment: .left), .init(title: "connections", alignment: .right),
            .init(title: "rate /s", alignment: .right), .init(title: "totalStreams", alignment: .right),
            .init(title: "late ms", alignment: .right),
        ])
        for cell in shard.cells {
            table.append([cell.id, NumberText.grouped(cell.connections),
                          cell.rate.map { NumberText.fixed($0, decimals: 3) } ?? NumberText.dash,
                          cell.totalStreams.map(NumberText.grouped) ?? NumberText.dash,
                          cell.lateMilliseconds.map { NumberText.fixed($0, decimals: 1) } ?? NumberText.dash])
        }
        return table
    }
}
