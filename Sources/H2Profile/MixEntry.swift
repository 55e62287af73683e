/// One entry of a profile's `mix`: a stream kind and its relative weight.
///
/// Each new stream picks an entry with probability `weight / (sum of weights)`.
public struct MixEntry: Sendable, Hashable, Codable {
    /// Relative weight, ≥ 1 (default 1).
    public var weight: Int
    /// What the stream does.
    public var kind: StreamKind

    /// A mix entry.
    public init(weight: Int = 1, kind: StreamKind) {
        self.weight = weight
        self.kind = kind
    }
}
