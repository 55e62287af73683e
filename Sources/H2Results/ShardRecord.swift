/// Which shard a run was and when its cells started (`run.json` `shard`); absent for runs that
/// were not sharded (`--shard`/`--shards` not given).
///
/// See docs/scale-out.md for the split, the start schedule and the clock assumption.
public struct ShardRecord: Sendable, Codable, Equatable {
    /// The shard's index, 0-based.
    public var index: Int
    /// How many shards the run has.
    public var count: Int
    /// `--start-at` as an ISO-8601 UTC time with milliseconds; absent without a schedule.
    public var startAt: String?
    /// The margin added to every slot of the schedule, seconds; absent without a schedule.
    public var slotMarginSeconds: Double?
    /// One entry per cell this shard began, in run order.
    public var cells: [ShardCellStart]

    /// A record for shard `index` of `count`.
    public init(index: Int, count: Int, startAt: String? = nil, slotMarginSeconds: Double? = nil, cells: [ShardCellStart] = []) {
        self.index = index
        self.count = count
        self.startAt = startAt
        self.slotMarginSeconds = slotMarginSeconds
        self.cells = cells
    }

    /// `"i/N"`, the shard's label in tables and metrics.
    public var label: String { "\(index)/\(count)" }

    /// The start entry of cell `index`, if this shard began it.
    public func start(ofCell index: Int) -> ShardCellStart? {
        cells.first { $0.cell == index }
    }
}
