import H2Profile
/// One row of a cell's fault table: a fault (or the clean streams, or a connection-level fault's
/// collateral), the outcome its streams must have, and the outcomes they had.
///
/// In `run.json` as `faults: [{fault, expected, streams}]`, present only for cells with faults.
public struct FaultOutcome: Sendable, Codable, Equatable {
    /// The fault's header text (e.g. `rst;after=3;code=8`), `none` for clean streams, or
    /// `collateral of <fault>` for clean streams a connection-level fault took down.
    public var fault: String
    /// The outcome every one of these streams must have; `nil` when none is defined (e.g.
    /// `withhold-credit` without a client deadline: the streams stay open until the cell ends).
    public var expected: StreamOutcome?
    /// What the streams did.
    public var streams: OutcomeCounts

    /// A row.
    public init(fault: String, expected: StreamOutcome?, streams: OutcomeCounts) {
        self.fault = fault
        self.expected = expected
        self.streams = streams
    }

    /// Whether every stream of the row had the expected outcome (and none was left unfinished).
    public var asExpected: Bool {
        guard let expected else { return false }
        return streams[expected] == streams.total
    }

    /// The table of a cell: one row per configured fault (in profile order, even when no stream
    /// drew it), then `none`, then any collateral rows. `deadlineNanoseconds` is the client's
    /// per-stream deadline (it decides the expectation of `stall`, `delay`, `withhold-credit`).
    public static func table(_ counts: [String: OutcomeCounts], faults: [FaultSpec], deadlineNanoseconds: UInt64?) -> [FaultOutcome] {
        var rows: [FaultOutcome] = []
        var seen: Set<String> = []
        for spec in faults {
            let key = spec.fault.description
            guard seen.insert(key).inserted else { continue }
            rows.append(FaultOutcome(fault: key, expected: spec.fault.expectedOutcome(deadlineNanoseconds: deadlineNanoseconds),
                                     streams: counts[key] ?? OutcomeCounts()))
        }
        rows.append(FaultOutcome(fault: CellMeasurements.noFault, expected: .complete,
                                 streams: counts[CellMeasurements.noFault] ?? OutcomeCounts()))
        for spec in faults where spec.fault.isConnectionLevel {
            let key = CellMeasurements.collateralPrefix + spec.fault.description
            guard let c = counts[key], seen.insert(key).inserted else { continue }
            rows.append(FaultOutcome(fault: key, expected: spec.fault.collateralOutcome, streams: c))
        }
        return rows
    }
}
