/// Where a merged run came from (`run.json` `merge`): the shard runs and a per-shard, per-cell
/// table; absent for runs that `h2stress merge` did not write.
public struct MergeRecord: Sendable, Codable, Equatable {
    /// How many shards were merged (all of them: a merge refuses missing shards).
    public var shardCount: Int
    /// The shard runs, by shard index.
    public var sources: [MergeSource]
    /// One row per shard and cell the shard ran.
    public var rows: [MergedShardRow]
    /// The largest spread between the shards' measured-window starts of one cell, ms (clock
    /// differences and late starts both show here).
    public var maxStartSpreadMilliseconds: Double?

    /// A merge record.
    public init(shardCount: Int, sources: [MergeSource], rows: [MergedShardRow], maxStartSpreadMilliseconds: Double?) {
        self.shardCount = shardCount
        self.sources = sources
        self.rows = rows
        self.maxStartSpreadMilliseconds = maxStartSpreadMilliseconds
    }
}
