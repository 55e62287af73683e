/// One cell of a shard: the shard's share of the cell's load and when the cell began
/// (`run.json` `shard.cells[k]`).
public struct ShardCellStart: Sendable, Codable, Equatable {
    /// The cell's position in the run (``CellResult/index``).
    public var cell: Int
    /// The cell's id.
    public var id: String
    /// This shard's share of the cell's `connections`.
    public var connections: Int
    /// This shard's share of the cell's open-loop `rate`, streams/s; absent for closed loop.
    public var rate: Double?
    /// This shard's share of the cell's `totalStreams`; absent when the cell has none.
    public var totalStreams: Int?
    /// This shard's seed for the cell.
    public var seed: UInt64
    /// When the cell's slot of the start schedule began (ISO-8601 UTC, ms); absent without `--start-at`.
    public var slotStart: String?
    /// When this shard began the cell (target launch), ISO-8601 UTC with milliseconds.
    public var startedAt: String
    /// `startedAt − slotStart` in milliseconds (≥ 0: a shard never starts before its slot);
    /// absent without `--start-at`.
    public var lateMilliseconds: Double?
    /// When the cell's measured window began (after warm-up), Unix time in seconds with
    /// sub-millisecond digits, read from this machine's wall clock: what the merge aligns
    /// per-second series by.
    public var measuredFrom: Double

    /// A cell start entry.
    public init(cell: Int, id: String, connections: Int, rate: Double?, totalStreams: Int?, seed: UInt64,
                slotStart: String?, startedAt: String, lateMilliseconds: Double?, measuredFrom: Double) {
        self.cell = cell
        self.id = id
        self.connections = connections
        self.rate = rate
        self.totalStreams = totalStreams
        self.seed = seed
        self.slotStart = slotStart
        self.startedAt = startedAt
        self.lateMilliseconds = lateMilliseconds
        self.measuredFrom = measuredFrom
    }
}
