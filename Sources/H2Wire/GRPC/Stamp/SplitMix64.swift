/// A small seeded random number generator (SplitMix64), so that a profile's `seed` makes the
/// stream mix reproducible. Not cryptographic.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        defer { state &+= 0x9E37_79B9_7F4A_7C15 }
        return MessageStamp.splitMix(state)   // mixes state + the same increment
    }
}
