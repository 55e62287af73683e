/// The sweep of a profile: the values whose cartesian product gives the cells.
public struct SweepSpec: Sendable, Hashable, Codable {
    /// Driver thread counts (absent in YAML: `[profile.threads]`).
    public var threads: [Int]
    /// Server thread counts (absent in YAML: `[server.threads]`): the embedded server's, or a
    /// managed target's `{threads}`; a profile error for `url` targets.
    public var serverThreads: [Int]
    /// Runs of each (variant, threads, serverThreads) point (default 1).
    public var repeats: Int
    /// Named variants as written; empty means one implicit variant named `default`.
    public var variants: [VariantSpec]

    /// A sweep spec.
    public init(threads: [Int], serverThreads: [Int], repeats: Int = 1, variants: [VariantSpec] = []) {
        self.threads = threads
        self.serverThreads = serverThreads
        self.repeats = repeats
        self.variants = variants
    }
}
