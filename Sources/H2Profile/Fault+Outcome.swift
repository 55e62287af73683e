import H2Wire

/// The outcomes a profile's faults lead to: what a stream asking for a fault must end as, and
/// what a connection-level fault does to the clean streams sharing its connection. The fault's
/// header grammar is wire vocabulary (``Fault`` in H2Wire); the outcome names are the profile's.
extension Fault {
    /// The outcome of a clean stream a connection-level fault takes down (its collateral):
    /// `goaway` for GOAWAY (whatever `last` says), `connectionLost` for `close` and
    /// `tcp-reset`; nil for stream-level faults.
    public var collateralOutcome: StreamOutcome? {
        switch kind {
        case .goaway: return .goaway
        case .close, .tcpReset: return .connectionLost
        default: return nil
        }
    }

    /// The outcome a stream asking for this fault must get. `deadlineNanoseconds` is the client's
    /// per-stream deadline: `stall`, `delay` and `withhold-credit` end in `deadline` only when
    /// one fires first (`nil` for the pauses means `complete`; for `withhold-credit` the stream
    /// never ends and is counted `unfinished`, shown as `nil`).
    public func expectedOutcome(deadlineNanoseconds: UInt64?) -> StreamOutcome? {
        switch kind {
        case .rst, .refuse: return .reset
        case .goaway: return (last ?? .below) == .below ? .goaway : .complete
        case .close, .tcpReset: return .connectionLost
        case .truncate, .cut, .noTrailers: return .truncated
        case .status: return .statusError
        case .corrupt: return .integrity
        case .withholdCredit: return deadlineNanoseconds == nil ? nil : .deadline
        case .stall, .delay:
            guard let d = deadlineNanoseconds else { return .complete }
            return UInt64(max(0, milliseconds ?? 0)) * 1_000_000 >= d ? .deadline : .complete
        }
    }
}
