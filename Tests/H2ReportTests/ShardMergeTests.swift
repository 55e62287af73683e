import Foundation
import H2Report
import H2Results
import Testing

/// `ShardMerge` refuses what is not one whole run, naming the folders, indices or hashes, and
/// merges a whole one into a run with the per-shard table.
struct ShardMergeTests {
    static func cell(complete: Int) -> CellResult {
        var m = CellMeasurements()
        for value in 1...complete { m.ttfb.record(nanoseconds: UInt64(value) * 1000) }
        m.outcomes.complete = complete
        m.streamsStarted = complete
        return CellResult(index: 0, id: "default/t1/s1/r1", threads: 1, serverThreads: 1, variant: "default", repeat: 1,
                          durationSeconds: 1, measurements: m, cpu: CPUUsage(userSeconds: 0.1, systemSeconds: 0), peakRSSBytes: 1)
    }

    static func shard(_ index: Int, of count: Int, hash: String = "fnv1a64:0000000000000001", complete: Int = 10) -> ShardMerge.Input {
        var run = RunResult(runID: "p-shard-\(index)-of-\(count)", startedAt: "2026-12-04T16:00:00Z", finishedAt: "2026-12-04T16:00:05Z",
                            status: .complete,
                            environment: EnvironmentInfo(host: "node\(index)", cores: 2, kernel: "k", nghttp2Version: "1", os: "o", swiftVersion: nil),
                            profileFile: "p.yaml", profile: .object(["name": .string("p")]), target: "url h2c://t", cells: [cell(complete: complete)])
        run.profileHash = hash
        run.shard = ShardRecord(index: index, count: count, startAt: "2026-12-04T16:00:00.000Z", slotMarginSeconds: 2, cells: [
            ShardCellStart(cell: 0, id: "default/t1/s1/r1", connections: 1, rate: nil, totalStreams: nil, seed: UInt64(index),
                           slotStart: "2026-12-04T16:00:00.000Z", startedAt: "2026-12-04T16:00:00.003Z",
                           lateMilliseconds: Double(index + 1), measuredFrom: 1_796_400_000 + Double(index) * 0.002),
        ])
        return ShardMerge.Input(path: "results/p-shard-\(index)", run: run)
    }

    static func refusal(_ inputs: [ShardMerge.Input]) -> String {
        do {
            _ = try ShardMerge.merge(inputs, runID: "merged")
            return "merged"
        } catch {
            return error.description
        }
    }

    @Test("different profiles: both hashes and both folders are named")
    func differentProfiles() {
        let message = Self.refusal([Self.shard(0, of: 2), Self.shard(1, of: 2, hash: "fnv1a64:00000000000000ff")])
        #expect(message.contains("fnv1a64:0000000000000001") && message.contains("fnv1a64:00000000000000ff"), "\(message)")
        #expect(message.contains("results/p-shard-0") && message.contains("results/p-shard-1"), "\(message)")
    }

    @Test("duplicate, missing, mixed counts and unsharded runs are refused with the index or folder")
    func incompleteSets() {
        #expect(Self.refusal([Self.shard(0, of: 3), Self.shard(2, of: 3), Self.shard(0, of: 3)]).contains("shard 0 appears twice"))
        #expect(Self.refusal([Self.shard(1, of: 4), Self.shard(3, of: 4)]).contains("shards 0, 2 of 4 missing"))
        #expect(Self.refusal([Self.shard(0, of: 2), Self.shard(1, of: 3)]).contains("one of 2 shards but `results/p-shard-1` one of 3"))
        var plain = Self.shard(0, of: 1)
        plain.run.shard = nil
        #expect(Self.refusal([plain]).contains("is not a shard run"))
    }

    @Test("a whole set merges: counts add, per-shard table, start spread, sources in index order")
    func merges() throws {
        let merged = try ShardMerge.merge([Self.shard(2, of: 3, complete: 5), Self.shard(0, of: 3, complete: 7), Self.shard(1, of: 3, complete: 9)],
                                          runID: "p-merged-of-3")
        #expect(merged.cells.count == 1 && merged.cells[0].streams.complete == 21)
        #expect(merged.cells[0][.ttfb].count == 21 && merged.cells[0][.ttfb].max == 9)
        #expect(merged.merge?.sources.map(\.shard) == [0, 1, 2])
        #expect(merged.merge?.rows.map(\.lateMilliseconds) == [1, 2, 3])
        #expect(abs((merged.merge?.maxStartSpreadMilliseconds ?? 0) - 4) < 0.01)
        #expect(merged.shard == nil && merged.profileHash == "fnv1a64:0000000000000001")
        #expect(merged.notes.contains { $0.contains("3 hosts") })
        let markdown = MarkdownReport.render(merged)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| 1/3 ") && $0.contains("default/t1/s1/r1") }
        #expect(markdown.contains("## Shards") && rows.count == 1, "\(markdown)")
        #expect(HTMLReport.render(merged).contains("<h2 id=\"shards\">Shards</h2>"))
    }
}
