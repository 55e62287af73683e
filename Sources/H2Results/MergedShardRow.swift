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
    /// Connection errors the shard kept for the cell (its `connectionErrors`, at most
    /// ``CellMeasurements/connectionErrorCap``; further ones are only counted in its notes).
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
