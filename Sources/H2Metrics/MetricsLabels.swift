/// The labels every per-cell series carries: `profile`, `variant`, `cell`, `shard`, in that order.
///
/// Values are exported as given; the text exposition escapes `\`, `"` and line feeds in them.
public struct MetricsLabels: Sendable, Equatable {
    /// The profile's `name:` (`url` for `run --url`).
    public var profile: String
    /// The variant the cell ran.
    public var variant: String
    /// The cell's id as reports name it, e.g. `window-1m/t2/r1`.
    public var cell: String
    /// `i/N` for shard `i` of `N`; `0/1` for an unsharded run.
    public var shard: String

    /// Labels from their values.
    public init(profile: String, variant: String, cell: String, shard: String) {
        self.profile = profile
        self.variant = variant
        self.cell = cell
        self.shard = shard
    }

    /// Label name/value pairs in export order, with `extra` pairs appended (e.g. `outcome`).
    func pairs(_ extra: (String, String)...) -> [(String, String)] {
        [("profile", profile), ("variant", variant), ("cell", cell), ("shard", shard)] + extra
    }
}
