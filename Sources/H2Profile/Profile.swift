/// A decoded, validated load profile: what to connect to, how many connections and streams,
/// what each stream does, and for how long.
///
/// Produced by `ProfileLoader`; every value is within its documented range (see
/// docs/profiles.md).
public struct Profile: Sendable, Hashable, Codable {
    /// Driver and server thread counts a profile (and `serve --threads`) accepts.
    public static let threadRange = 1...256

    /// Profile name (letters, digits, `-`, `_`, `.`), used in result directory names.
    public var name: String
    /// Free-text description.
    public var description: String?
    /// What to connect to (default `.embedded`).
    public var target: TargetSpec
    /// Time run before measuring, on the same connections (default 0s).
    public var warmup: TimeSpan
    /// Measured time (> 0, ≤ 1h).
    public var duration: TimeSpan
    /// TCP connections (default 1).
    public var connections: Int
    /// Concurrent streams kept open on each connection (default 1).
    public var streamsPerConnection: Int
    /// What streams do; never empty.
    public var mix: [MixEntry]
    /// Driver HTTP/2 settings.
    public var client: ClientSettings
    /// Embedded server settings.
    public var server: ServerSettings
    /// Driver threads when `sweep.threads` is absent (default 1); in a cell, the cell's value.
    public var threads: Int
    /// Seed for the mix choice and any other randomness (default 1).
    public var seed: UInt64
    /// When set, each cell also ends once this many measured streams have finished (the
    /// h2load `-n` model); `duration` stays the upper bound.
    public var totalStreams: Int?
    /// Slow consumers: each stream gets at most one entry, by a seeded draw over the shares
    /// (`ConsumerSpec.pick(from:using:)`); streams outside every share are fast. Default `[]`.
    public var consumers: [ConsumerSpec] = []
    /// Faults asked of the embedded target (request header `h2stress-fault`): each stream asks
    /// for at most one entry, by a seeded draw over the shares; the rest ask for none. Default `[]`.
    public var faults: [FaultSpec] = []
    /// Open-loop mode when set: streams started per second on a fixed schedule, independent of
    /// completions (the wrk2 model), 1…1,000,000; `streamsPerConnection` then caps the streams
    /// open at once on each connection. `nil` (the default): closed loop.
    public var rate: Double?
    /// The sweep (resolved: absent lists hold the single base value).
    public var sweep: SweepSpec
    /// Release-gate rules applied at the end of `run` (and by `h2stress gate`); default `[]`.
    /// Written as `gate: ["truncated == 0", {rule: "wakePoll.p99 < 2ms", variants: [window-1m]}]`.
    public var gate: [GateRule] = []

    /// Total concurrent streams: `connections × streamsPerConnection`.
    public var concurrentStreams: Int { connections * streamsPerConnection }
}
