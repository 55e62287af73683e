import Foundation
import H2Results

/// The shard sections of report.md: which shard a shard run was, and the per-shard table of a merged run.
extension MarkdownReport {
    /// `## Shard` for a shard run, `## Shards` (per shard and cell: CPU, RSS, late start,
    /// connection errors) for a merged run; empty for other runs.
    static func shards(_ run: RunResult) -> String {
        if let merge = run.merge {
            var out = "\n## Shards\n\n"
            out += "Merged from \(merge.shardCount) shard runs (docs/scale-out.md)"
            if let spread = merge.maxStartSpreadMilliseconds {
                out += "; the shards' measured windows of a cell began at most \(NumberText.fixed(spread, decimals: 1)) ms apart"
            }
            out += ".\n\n| shard | cell | cpu s | RSS MB | late ms | conn errors | started | complete |\n"
            out += "|---|---|---:|---:|---:|---:|---:|---:|\n"
            for row in merge.rows {
                let late = row.lateMilliseconds.map { NumberText.fixed($0, decimals: 1) } ?? "–"
                out += "| \(row.shard) | `\(row.cell)` | \(NumberText.fixed(row.cpuSeconds, decimals: 2)) | "
                out += "\(NumberText.fixed(Double(row.peakRSSBytes) / 1e6, decimals: 1)) | \(late) | \(row.connectionErrors) | "
                out += "\(row.streamsStarted) | \(row.complete) |\n"
            }
            out += "\n*late ms*: how long after its slot of the start schedule the shard began the cell (– without `--start-at`).\n"
            return out
        }
        guard let shard = run.shard else { return "" }
        var out = "\n## Shard\n\nShard \(shard.label) of the run (profile hash `\(run.profileHash ?? "–")`)"
        if let startAt = shard.startAt { out += ", start schedule from \(startAt)" }
        out += ". Merge every shard's folder with `h2stress merge`.\n\n| cell | connections | rate /s | totalStreams | late ms |\n|---|---:|---:|---:|---:|\n"
        for cell in shard.cells {
            let rate = cell.rate.map { NumberText.fixed($0, decimals: 3) } ?? "–"
            let late = cell.lateMilliseconds.map { NumberText.fixed($0, decimals: 1) } ?? "–"
            out += "| `\(cell.id)` | \(cell.connections) | \(rate) | \(cell.totalStreams.map(String.init) ?? "–") | \(late) |\n"
        }
        return out
    }
}
