/// Splitting a profile into shards (``ShardSpec``).
extension LoadedProfile {
    /// The profile shard `shard` runs: in every cell, its share of `connections`, `rate` and
    /// `totalStreams`, and its own seed; everything else (cells, order, durations) unchanged.
    /// ``ShardSpec/unsharded`` returns the profile as it is.
    /// Precondition: ``shardProblem(_:totalStreams:)`` found nothing.
    public func sharded(_ shard: ShardSpec) -> LoadedProfile {
        guard shard.isSharded else { return self }
        var copy = self
        copy.base = Self.share(base, shard)
        for index in copy.variants.indices {
            copy.variants[index].profile = Self.share(copy.variants[index].profile, shard)
        }
        copy.expand()
        return copy
    }

    /// Why this profile cannot be split into `shard.count` shards, or `nil` when it can: every
    /// shard must get at least one connection, at least 0.001 streams/s of an open-loop rate and
    /// at least one of `totalStreams` (the profile's, or `totalStreams` given on the command line).
    public func shardProblem(_ shard: ShardSpec, totalStreams: Int? = nil) -> String? {
        guard shard.isSharded else { return nil }
        let n = shard.count
        for cell in cells {
            let p = cell.profile
            if p.connections < n {
                return "cell `\(cell.id)` has \(p.connections) connection\(p.connections == 1 ? "" : "s"), fewer than the \(n) shards; every shard needs at least one (raise `connections` or use fewer shards)"
            }
            if let rate = p.rate, Int((rate * 1000).rounded()) < n {
                return "cell `\(cell.id)` has `rate` \(rate)/s, too little to give each of the \(n) shards 0.001/s"
            }
            if let total = totalStreams ?? p.totalStreams, total < n {
                return "cell `\(cell.id)` has `totalStreams` \(total), fewer than the \(n) shards; every shard needs at least one stream"
            }
        }
        return nil
    }

    private static func share(_ profile: Profile, _ shard: ShardSpec) -> Profile {
        var p = profile
        p.connections = shard.share(of: p.connections)
        p.rate = p.rate.map { shard.share(ofRate: $0) }
        p.totalStreams = p.totalStreams.map { shard.share(of: $0) }
        p.seed = shard.seed(from: p.seed)
        return p
    }
}
