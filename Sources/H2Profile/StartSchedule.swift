import Foundation

/// The wall-clock schedule of cell slots that lets shards start each cell together without a
/// coordinator (`run --start-at <RFC 3339 time>`).
///
/// Slot 0 begins at `startAt`; slot `k` begins when slot `k − 1` ends. Each slot lasts
/// ``targetStartAllowance(_:)`` + `warmup` + `duration` + ``marginSeconds``, so a cell that ends
/// on time (or early, with `totalStreams`) leaves its shard waiting for the next slot, and every
/// shard begins cell `k` at the same instant of its own wall clock. The clocks of the shards'
/// machines are assumed synchronised (NTP, to a few ms); see docs/scale-out.md.
public struct StartSchedule: Sendable, Equatable {
    /// Seconds added to every slot for target shutdown, result writing and clock differences.
    public static let marginSeconds = 2.0

    /// When slot 0 begins.
    public let startAt: Date
    /// When each cell's slot begins, in cell order.
    public let slotStarts: [Date]
    /// Each slot's length in seconds, in cell order.
    public let slotSeconds: [Double]

    /// The schedule of `cells` from `startAt`.
    public init(startAt: Date, cells: [Cell]) {
        self.startAt = startAt
        var starts: [Date] = []
        var lengths: [Double] = []
        var next = startAt
        for cell in cells {
            let p = cell.profile
            let length = Self.targetStartAllowance(p.target) + Double(p.warmup.nanoseconds) / 1e9
                + Double(p.duration.nanoseconds) / 1e9 + Self.marginSeconds
            starts.append(next)
            lengths.append(length)
            next = next.addingTimeInterval(length)
        }
        slotStarts = starts
        slotSeconds = lengths
    }

    /// Seconds a slot allows for starting (and stopping) the target: 1 s for the embedded
    /// target, `ready.timeout` + `stopGrace` for a managed command, 0 for a `url` target.
    public static func targetStartAllowance(_ target: TargetSpec) -> Double {
        switch target {
        case .embedded: return 1
        case .url: return 0
        case .command(let spec): return Double(spec.readyTimeout.nanoseconds + spec.stopGrace.nanoseconds) / 1e9
        }
    }

    /// True when `now` is past the end of slot 0: the schedule cannot be kept from its start.
    public func firstSlotMissed(now: Date) -> Bool {
        guard let first = slotStarts.first, let length = slotSeconds.first else { return false }
        return now > first.addingTimeInterval(length)
    }

    /// Reads an RFC 3339 time such as `2026-12-04T16:00:00Z`, `2026-12-04T16:00:00.250Z` or
    /// `2026-12-04T17:00:00+01:00`; `nil` when the text is not one.
    public static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
