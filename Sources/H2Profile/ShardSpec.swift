/// Which part of a run this process does: shard ``index`` of ``count`` (`--shard i/N`).
///
/// Every shard runs every cell in the same order; within a cell shard `i` takes its share of
/// `connections`, `rate` (open loop) and `totalStreams`, and its own seed (``seed(from:)``).
/// The shares of all shards add up to the profile's figures exactly:
///
/// - an integer `x` (connections, totalStreams) splits as `x / N` each, plus one for the shards
///   whose index is below `x mod N` (the remainder goes to the lowest indices);
/// - a rate splits the same way in thousandths of a stream per second (the profile's rate is
///   rounded to 0.001/s first), so shares are multiples of 0.001/s and add up exactly.
///
/// `0/1` (``unsharded``) leaves a profile as it is.
///
/// Invariants: `count` ≥ 1 and `0 ≤ index < count`.
public struct ShardSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The shard's index, 0-based.
    public let index: Int
    /// How many shards the run has.
    public let count: Int

    /// The most shards a run may have.
    public static let maxCount = 10_000

    /// The whole run in one process: `0/1`.
    public static let unsharded = ShardSpec(uncheckedIndex: 0, count: 1)

    /// Shard `index` of `count`; `nil` unless `count` is in 1…``maxCount`` and `0 ≤ index < count`.
    public init?(index: Int, count: Int) {
        guard (1...Self.maxCount).contains(count), (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    private init(uncheckedIndex: Int, count: Int) {
        self.index = uncheckedIndex
        self.count = count
    }

    /// Parses `i/N` (e.g. `2/3`); `nil` when the text is not two integers in range.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    /// `"i/N"`, e.g. `"1/3"`; `"0/1"` when unsharded. The label of the shard in metrics and tables.
    public var label: String { "\(index)/\(count)" }

    /// `shard-i-of-N`, the part of a shard's run folder name that says which shard it is.
    public var folderTag: String { "shard-\(index)-of-\(count)" }

    /// True for more than one shard.
    public var isSharded: Bool { count > 1 }

    /// ``label``.
    public var description: String { label }

    /// This shard's share of `total`: `total / N`, plus one when `index < total mod N`.
    public func share(of total: Int) -> Int {
        Self.share(of: total, index: index, count: count)
    }

    /// This shard's share of an open-loop `rate` (streams per second), split in thousandths as the
    /// type's summary says.
    public func share(ofRate rate: Double) -> Double {
        let thousandths = Int((rate * 1000).rounded())
        return Double(Self.share(of: thousandths, index: index, count: count)) / 1000
    }

    /// The seed of this shard's streams: `seed` itself when unsharded, else SplitMix64 of
    /// `seed + (index + 1) × golden ratio` (a different, reproducible stream per shard).
    public func seed(from seed: UInt64) -> UInt64 {
        guard isSharded else { return seed }
        var z = seed &+ UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Shard `index` of `count`'s share of `total` (remainder to the lowest indices).
    static func share(of total: Int, index: Int, count: Int) -> Int {
        total / count + (index < total % count ? 1 : 0)
    }
}
