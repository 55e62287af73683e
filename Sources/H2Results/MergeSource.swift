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
