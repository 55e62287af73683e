/// One entry of a profile's `consumers`: a share of the streams whose consumer waits
/// `delay` before taking each message.
///
/// Invariants (checked at load): `0 < share ≤ 1`, and the shares of a profile's consumers add
/// up to at most 1; streams outside every share are fast consumers (no delay).
public struct ConsumerSpec: Sendable, Hashable, Codable {
    /// Fraction of streams given this consumer, `0 < share ≤ 1`.
    public var share: Double
    /// The delay before each message is taken.
    public var delay: ConsumerDelay

    /// A consumer entry.
    public init(share: Double, delay: ConsumerDelay) {
        self.share = share
        self.delay = delay
    }

    /// Picks the consumer of a new stream: one uniform draw `u` in [0, 1) from `rng`, then the
    /// first entry whose running sum of shares exceeds `u`. Returns that entry's index, or `nil`
    /// for a fast consumer. Draws nothing when `consumers` is empty, so a profile without
    /// consumers leaves the generator's sequence untouched. Allocation-free.
    public static func pick<G: RandomNumberGenerator>(from consumers: [ConsumerSpec], using rng: inout G) -> Int? {
        guard !consumers.isEmpty else { return nil }
        let draw = Double.random(in: 0..<1, using: &rng)
        var total = 0.0
        for index in consumers.indices {
            total += consumers[index].share
            if draw < total { return index }
        }
        return nil
    }
}
