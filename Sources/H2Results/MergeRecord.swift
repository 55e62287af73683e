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

/// One shard run that went into a merge.
public struct MergeSource: Sendable, Codable, Equatable {
    /// The shard's index.
    public var shard: Int
    /// The shard run's id (its folder name).
    public var runID: String
    /// The folder it was read from, as given to `merge`.
    public var path: String
    /// The host it ran on.
    public var host: String

    /// A merge source.
    public init(shard: Int, runID: String, path: String, host: String) {
        self.shard = shard
        self.runID = runID
        self.path = path
        self.host = host
    }
}

/// One shard's figures for one cell in a merged run (the per-shard table).
public struct MergedShardRow: Sendable, Codable, Equatable {
    /// The shard's label, `i/N`.
    public var shard: String
    /// The cell's id.
    public var cell: String
    /// The shard's driver CPU seconds (user + system) in the cell.
    public var cpuSeconds: Double
    /// The shard's driver peak RSS, bytes.
    public var peakRSSBytes: UInt64
    /// How late the shard began the cell after its slot, ms; absent without a start schedule.
    public var lateMilliseconds: Double?
    /// Connection errors the shard recorded in the cell (kept plus dropped ones are not
    /// distinguished: the number kept, capped at ``CellMeasurements/connectionErrorCap``).
    public var connectionErrors: Int
    /// Streams the shard started in the cell.
    public var streamsStarted: Int
    /// Streams that ended complete.
    public var complete: Int

    /// A row of the per-shard table.
    public init(shard: String, cell: String, cpuSeconds: Double, peakRSSBytes: UInt64, lateMilliseconds: Double?,
                connectionErrors: Int, streamsStarted: Int, complete: Int) {
        self.shard = shard
        self.cell = cell
        self.cpuSeconds = cpuSeconds
        self.peakRSSBytes = peakRSSBytes
        self.lateMilliseconds = lateMilliseconds
        self.connectionErrors = connectionErrors
        self.streamsStarted = streamsStarted
        self.complete = complete
    }
}
