import H2Wire
/// One entry of a profile's `faults`: a share of the streams that ask the embedded target for
/// `fault` (request header `h2stress-fault`).
///
/// Invariants (checked at load): `0 < share ≤ 1`, and the shares of a profile's faults add up to
/// at most 1; streams outside every share ask for no fault (the "clean" streams).
public struct FaultSpec: Sendable, Hashable, Codable {
    /// Fraction of streams asking for this fault, `0 < share ≤ 1`.
    public var share: Double
    /// What the server is asked to do.
    public var fault: Fault

    /// A fault entry.
    public init(share: Double, fault: Fault) {
        self.share = share
        self.fault = fault
    }
}
