/// A loaded profile: the base profile and the cells its sweep expands to.
///
/// Cells are ordered variant (outermost), driver threads, server threads, repeat (innermost).
/// Without `sweep.threads` a variant's cells use its own `threads`; likewise
/// `server.threads` for `sweep.serverThreads`.
public struct LoadedProfile: Sendable {
    /// A variant with its fully decoded profile (before the sweep's thread counts apply).
    struct ResolvedVariant: Sendable {
        var name: String
        var profile: Profile
    }

    /// The profile file (as given to the loader).
    public var file: String
    /// The base profile (overrides applied, no variant).
    public var base: Profile
    /// Every cell of the sweep, in run order.
    public private(set) var cells: [Cell]
    /// The `--set` overrides that were applied, as given.
    public var overrides: [String]

    /// Internal (not private) for ``sharded(_:)`` in `LoadedProfile+Shard.swift`.
    var variants: [ResolvedVariant]
    private var threadsGiven: Bool
    private var serverThreadsGiven: Bool

    init(file: String, base: Profile, overrides: [String], variants: [ResolvedVariant], threadsGiven: Bool, serverThreadsGiven: Bool) {
        self.file = file
        self.base = base
        self.overrides = overrides
        self.variants = variants
        self.threadsGiven = threadsGiven
        self.serverThreadsGiven = serverThreadsGiven
        self.cells = []
        expand()
    }

    /// The same profile with `sweep.threads` replaced by `threads` (`--threads 1,2,4`), re-expanded.
    /// Precondition: `ProfileLoader.validateThreads(threads, file:)` accepts them.
    public func withThreads(_ threads: [Int]) -> LoadedProfile {
        precondition(!threads.isEmpty && threads.allSatisfy { ProfileDecoder.threadRange.contains($0) },
                     "BUG DETECTED: thread counts must be validated with ProfileLoader.validateThreads first")
        var copy = self
        copy.threadsGiven = true
        copy.base.sweep.threads = threads
        for index in copy.variants.indices { copy.variants[index].profile.sweep.threads = threads }
        copy.expand()
        return copy
    }

    /// The same profile with every cell's `duration` replaced by `duration`.
    /// Precondition: `ProfileLoader.validateDuration(duration, file:)` accepts it.
    public func withDuration(_ duration: TimeSpan) -> LoadedProfile {
        precondition(duration.nanoseconds > 0 && duration <= ProfileDecoder.maxTime,
                     "BUG DETECTED: durations must be validated with ProfileLoader.validateDuration first")
        var copy = self
        copy.base.duration = duration
        for index in copy.variants.indices { copy.variants[index].profile.duration = duration }
        copy.expand()
        return copy
    }

    /// How long the cells' load takes: at most Σ (warm-up + duration), less when `totalStreams`
    /// ends cells early (``WallTimeEstimate``).
    public var wallTime: WallTimeEstimate { WallTimeEstimate(cells: cells) }

    /// Rebuilds `cells` from the variants and the sweep.
    mutating func expand() {
        var cells: [Cell] = []
        for variant in variants {
            let threadCounts = threadsGiven ? base.sweep.threads : [variant.profile.threads]
            let serverCounts = serverThreadsGiven ? base.sweep.serverThreads : [variant.profile.server.threads]
            for threads in threadCounts {
                for serverThreads in serverCounts {
                    for run in 1...max(1, base.sweep.repeats) {
                        var profile = variant.profile
                        profile.threads = threads
                        profile.server.threads = serverThreads
                        profile.sweep.threads = threadCounts
                        profile.sweep.serverThreads = serverCounts
                        cells.append(Cell(
                            index: cells.count, id: "\(variant.name)/t\(threads)/s\(serverThreads)/r\(run)",
                            threads: threads, serverThreads: serverThreads, variant: variant.name,
                            repeat: run, profile: profile))
                    }
                }
            }
        }
        self.cells = cells
    }
}
