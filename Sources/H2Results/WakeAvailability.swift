/// Whether a cell's wake figures (``LatencyMetric/wakePoll``, ``LatencyMetric/wakeDispatch``) are real
/// measurements (`cells[i].wake` in `run.json`).
///
/// Rule: they are available when at least one socket read carried a kernel receive timestamp. When they are
/// not, `latency` and `histograms` carry no `wakePoll`/`wakeDispatch` entries (never zeros posing as
/// measurements), ``note`` says why and reports print "n/a".
public struct WakeAvailability: Sendable, Codable, Equatable {
    /// The note when reads were made but none carried a timestamp.
    public static let noTimestampsNote = "the kernel gave no receive timestamps (SO_TIMESTAMPING)"
    /// The note when no socket read happened in the measured window.
    public static let noReadsNote = "no socket reads in the measured window"

    /// True when ``readsWithTimestamp`` > 0.
    public var available: Bool
    /// Socket reads (`recvmsg` calls that returned bytes) that carried a kernel receive timestamp.
    public var readsWithTimestamp: Int
    /// Socket reads that returned bytes without a kernel receive timestamp.
    public var readsWithoutTimestamp: Int
    /// Why the figures are unavailable, or, when available but some reads had no timestamp, how many
    /// reads the figures do not cover; absent otherwise.
    public var note: String?

    /// Applies the availability rule to the two read counters.
    public init(readsWithTimestamp: Int, readsWithoutTimestamp: Int) {
        self.readsWithTimestamp = readsWithTimestamp
        self.readsWithoutTimestamp = readsWithoutTimestamp
        available = readsWithTimestamp > 0
        if available {
            note = readsWithoutTimestamp > 0
                ? "\(readsWithoutTimestamp) of \(readsWithTimestamp + readsWithoutTimestamp) reads had no receive timestamp; wake figures cover the others"
                : nil
        } else {
            note = readsWithoutTimestamp > 0 ? Self.noTimestampsNote : Self.noReadsNote
        }
    }
}
