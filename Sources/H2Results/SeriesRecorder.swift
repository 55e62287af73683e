import Histogram
import H2Profile

/// Per-second counters and `wakePoll` distribution of one worker during a cell's measured window
/// (design.md: *per-second series*), merged across workers by second index.
///
/// The caller computes the second index from the start of the measured window:
/// `Int((now - windowStart) / 1_000_000_000)`. Negative indices (warm-up) are ignored; indices at or
/// beyond ``maxSeconds`` are not kept and are counted in ``recordsBeyondCap``.
///
/// Footprint: one dense 2-significant-digit HdrHistogram (≈ 15 KB) for the current second; when a later
/// second starts, the current one is compacted into a ``SecondHistogram`` (at most 2 KB, a few hundred
/// bytes for a typical spread; see ``heapBytes(fromSecond:)``) and the dense one is reset. So a series
/// grows with the measured window, by at most about 2 KB per second and never past ``maxSeconds``.
/// Recording allocates only when a new second begins (amortised array growth and one compaction per
/// second), never per value within a second.
///
/// Threading: owned by one worker thread (inside ``CellMeasurements``); crosses threads only at join.
public struct SeriesRecorder: Sendable {
    /// The most seconds a series keeps: one hour, the longest measured window a profile allows.
    public static let maxSeconds = 3_600

    struct Second: Sendable, Equatable {
        var bytes = 0
        var messages = 0
        var outcomes = OutcomeCounts()
        var wakePoll = SecondHistogram()
    }

    /// Seconds 0…n-1 that saw any record (and every second before them).
    private(set) var seconds: [Second] = []
    /// Dense `wakePoll` histogram of ``currentSecond``.
    private var current: Histogram<UInt32>
    /// The second ``current`` belongs to; -1 before the first `wakePoll` value.
    private var currentSecond = -1
    /// Records (of any kind) whose second was at or beyond ``maxSeconds``, not kept.
    public private(set) var recordsBeyondCap = 0

    /// An empty series.
    public init() {
        current = SecondHistogram.makeDense()
    }

    /// Adds `bytes` DATA payload bytes received in `second`.
    public mutating func record(bytes: Int, at second: Int) {
        guard prepare(second) else { return }
        seconds[second].bytes += bytes
    }

    /// Adds `messages` complete messages received in `second`.
    public mutating func record(messages: Int, at second: Int) {
        guard prepare(second) else { return }
        seconds[second].messages += messages
    }

    /// Counts one stream that ended with `outcome` in `second`.
    public mutating func streamCompleted(outcome: StreamOutcome, at second: Int) {
        guard prepare(second) else { return }
        seconds[second].outcomes[outcome] += 1
    }

    /// Records one `wakePoll` value (ns; values above 60 s are recorded as 60 s) in `second`.
    public mutating func wakePoll(nanoseconds: UInt64, at second: Int) {
        guard prepare(second) else { return }
        let value = Swift.min(nanoseconds, SecondHistogram.highestTrackableNanoseconds)
        if second != currentSecond {
            if second < currentSecond {
                seconds[second].wakePoll.add(nanoseconds: value)
                return
            }
            flushCurrent()
            currentSecond = second
        }
        current.record(value)
    }

    /// Folds `other` in, second by second: counters add, distributions merge.
    public mutating func merge(_ other: SeriesRecorder) {
        flushCurrent()
        var other = other
        other.flushCurrent()
        if other.seconds.count > seconds.count {
            seconds.append(contentsOf: repeatElement(Second(), count: other.seconds.count - seconds.count))
        }
        for (index, theirs) in other.seconds.enumerated() {
            seconds[index].bytes += theirs.bytes
            seconds[index].messages += theirs.messages
            seconds[index].outcomes.add(theirs.outcomes)
            seconds[index].wakePoll.merge(theirs.wakePoll)
        }
        recordsBeyondCap += other.recordsBeyondCap
    }

    /// Heap bytes held by the seconds from `first` on (their records and distributions): the part
    /// of a run's memory that grows with its length, by design.
    public func heapBytes(fromSecond first: Int = 0) -> Int {
        guard first < seconds.count else { return 0 }
        let kept = seconds[Swift.max(0, first)...]
        return kept.count * MemoryLayout<Second>.stride + kept.reduce(0) { $0 + $1.wakePoll.heapBytes }
    }

    /// The series as written to `run.json`: one sample per second from 0 through the last second that
    /// saw a record, padded with empty seconds up to `minimumSeconds` (capped at ``maxSeconds``).
    public func samples(minimumSeconds: Int = 0) -> [SecondSample] {
        var finished = self
        finished.flushCurrent()
        let count = Swift.min(Swift.max(finished.seconds.count, minimumSeconds), Self.maxSeconds)
        return (0..<count).map { index in
            let second = index < finished.seconds.count ? finished.seconds[index] : Second()
            var outcomes: [String: Int] = [:]
            for outcome in StreamOutcome.allCases where second.outcomes[outcome] > 0 {
                outcomes[outcome.rawValue] = second.outcomes[outcome]
            }
            return SecondSample(
                second: index, bytes: second.bytes, messages: second.messages,
                streamsCompleted: second.outcomes.complete, outcomes: outcomes,
                wakePollP99Micros: second.wakePoll.nanoseconds(atPercentile: 99).map { Double($0) / 1000 })
        }
    }

    /// Grows ``seconds`` to hold `second`; false when `second` is negative or beyond the cap.
    private mutating func prepare(_ second: Int) -> Bool {
        guard second >= 0 else { return false }
        guard second < Self.maxSeconds else {
            recordsBeyondCap += 1
            return false
        }
        if second >= seconds.count {
            seconds.append(contentsOf: repeatElement(Second(), count: second + 1 - seconds.count))
        }
        return true
    }

    /// Moves the dense current-second histogram into its sparse slot.
    private mutating func flushCurrent() {
        guard currentSecond >= 0, current.totalCount > 0 else { return }
        seconds[currentSecond].wakePoll.merge(SecondHistogram(current))
        current.reset()
    }
}
