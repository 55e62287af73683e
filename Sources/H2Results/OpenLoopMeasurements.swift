/// Open-loop (rate) mode figures of one worker: how well streams started on their schedule.
///
/// In open-loop mode the driver records ``LatencyMetric/ttfb`` and ``LatencyMetric/streamDuration`` from
/// each stream's *intended* start time, not from when it was actually submitted (coordinated omission
/// corrected, the wrk2 model).
///
/// Threading: part of ``CellMeasurements``; one value per worker, merged at join.
public struct OpenLoopMeasurements: Sendable, Equatable {
    /// A start is late when it happened more than this after its intended time: 1 ms.
    public static let lateThresholdNanos: UInt64 = 1_000_000

    /// The worker's share of the requested rate, streams per second; merged values add up to the cell's rate.
    public var requestedRate: Double
    /// Scheduled start times that fell in the measured window (made or not: a backlog still
    /// waiting when the window ends counts too).
    public var intendedStarts = 0
    /// Starts that happened more than ``lateThresholdNanos`` after their intended time, plus
    /// scheduled starts never made that were more than that overdue when the window ended.
    public var lateStarts = 0
    /// The largest delay between an intended start and the actual one, ns.
    public var maxStartLagNanos: UInt64 = 0
    /// Stream duration measured from the actual request submission instead of the intended
    /// start, ns: the *uncorrected* figure (what a closed-loop tool would report). Finished
    /// measured streams only, like ``CellMeasurements/streamDuration``.
    public var serviceTime = LatencyHistogram()

    /// Nothing started yet, at `requestedRate` streams per second (this worker's share).
    public init(requestedRate: Double) {
        self.requestedRate = requestedRate
    }

    /// Records one start that happened `lagNanoseconds` after its intended time.
    public mutating func recordStart(lagNanoseconds: UInt64) {
        intendedStarts += 1
        if lagNanoseconds > Self.lateThresholdNanos { lateStarts += 1 }
        if lagNanoseconds > maxStartLagNanos { maxStartLagNanos = lagNanoseconds }
    }

    /// Folds `other` in: rates and counters add, the lag takes the maximum, the histogram merges.
    public mutating func merge(_ other: OpenLoopMeasurements) {
        requestedRate += other.requestedRate
        intendedStarts += other.intendedStarts
        lateStarts += other.lateStarts
        maxStartLagNanos = Swift.max(maxStartLagNanos, other.maxStartLagNanos)
        serviceTime.merge(other.serviceTime)
    }
}
