import H2Profile
/// Number of streams per ``StreamOutcome``, plus streams still open when the cell ended.
///
/// Encoded in `run.json` as `streams` with one integer key per outcome and `unfinished`.
///
/// Invariants: every counter is ≥ 0; ``total`` = the sum of all counters.
public struct OutcomeCounts: Sendable, Codable, Equatable {
    /// Streams whose outcome is ``StreamOutcome/complete``.
    public var complete: Int
    /// Streams whose outcome is ``StreamOutcome/truncated``.
    public var truncated: Int
    /// Streams whose outcome is ``StreamOutcome/reset``.
    public var reset: Int
    /// Streams whose outcome is ``StreamOutcome/goaway``.
    public var goaway: Int
    /// Streams whose outcome is ``StreamOutcome/connectionLost``.
    public var connectionLost: Int
    /// Streams whose outcome is ``StreamOutcome/deadline``.
    public var deadline: Int
    /// Streams whose outcome is ``StreamOutcome/statusError``.
    public var statusError: Int
    /// Streams whose outcome is ``StreamOutcome/integrity``.
    public var integrity: Int
    /// Streams still open (no outcome yet) when the cell's measured duration ended.
    public var unfinished: Int

    /// All counters zero.
    public init() {
        complete = 0; truncated = 0; reset = 0; goaway = 0; connectionLost = 0
        deadline = 0; statusError = 0; integrity = 0; unfinished = 0
    }

    /// The counter for one outcome.
    public subscript(_ outcome: StreamOutcome) -> Int {
        get {
            switch outcome {
            case .complete: return complete
            case .truncated: return truncated
            case .reset: return reset
            case .goaway: return goaway
            case .connectionLost: return connectionLost
            case .deadline: return deadline
            case .statusError: return statusError
            case .integrity: return integrity
            }
        }
        set {
            switch outcome {
            case .complete: complete = newValue
            case .truncated: truncated = newValue
            case .reset: reset = newValue
            case .goaway: goaway = newValue
            case .connectionLost: connectionLost = newValue
            case .deadline: deadline = newValue
            case .statusError: statusError = newValue
            case .integrity: integrity = newValue
            }
        }
    }

    /// Adds every counter of `other` (including ``unfinished``) to this one.
    public mutating func add(_ other: OutcomeCounts) {
        complete += other.complete
        truncated += other.truncated
        reset += other.reset
        goaway += other.goaway
        connectionLost += other.connectionLost
        deadline += other.deadline
        statusError += other.statusError
        integrity += other.integrity
        unfinished += other.unfinished
    }

    /// All streams counted: every outcome plus ``unfinished``.
    public var total: Int {
        complete + failed + unfinished
    }

    /// Streams that ended abnormally: every outcome except ``complete``; ``unfinished`` is not counted.
    public var failed: Int {
        truncated + reset + goaway + connectionLost + deadline + statusError + integrity
    }
}
