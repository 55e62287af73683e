/// A figure of one cell that a gate rule can test, e.g. `truncated`, `throughput.bytesPerSecond`,
/// `wakePoll.p99`, `flowControl.streamZeroWindowSeconds`, `openLoop.lateStarts`.
///
/// Every metric has a canonical unit (``Unit``) in which ``value(in:)`` answers and rule bounds are stored:
/// counts, per-second rates, latencies in microseconds (as in `run.json`), flow-control times in seconds.
public struct GateMetric: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The unit a metric's values and bounds are in.
    public enum Unit: String, Sendable, Hashable, Codable {
        /// A number of streams, frames, bytes or starts.
        case count
        /// Bytes per second (`throughput.bytesPerSecond`); bounds may be written `100MB/s`.
        case bytesPerSecond
        /// Anything else per second (messages, streams).
        case perSecond
        /// Microseconds (latency summaries); bounds are written with a time unit (`2ms`).
        case microseconds
        /// Seconds (flow-control times); bounds are written with a time unit (`500ms`).
        case seconds
    }

    /// The name as written in rules, e.g. `wakePoll.p99`.
    public var name: String
    /// The unit of ``value(in:)`` and of bounds.
    public var unit: Unit
    /// True when a larger value is better (throughput); false when smaller is better (latency, failures).
    public var higherIsBetter: Bool

    /// The rule text's spelling.
    public var description: String { name }

    /// The latency statistics a rule can name after a latency metric.
    public static let latencyStatistics = ["p50", "p90", "p99", "p999", "max", "mean", "min"]

    /// Every metric name that is not a latency statistic (those are `<latencyMetric>.<statistic>`).
    public static let plainNames: [String: (Unit, Bool)] = {
        var names: [String: (Unit, Bool)] = [:]
        for outcome in StreamOutcome.allCases { names[outcome.rawValue] = (.count, outcome == .complete) }
        names["unfinished"] = (.count, false)
        names["failed"] = (.count, false)
        names["throughput.bytesPerSecond"] = (.bytesPerSecond, true)
        names["throughput.messagesPerSecond"] = (.perSecond, true)
        names["throughput.streamsPerSecond"] = (.perSecond, true)
        names["flowControl.streamZeroWindowSeconds"] = (.seconds, false)
        names["flowControl.connectionZeroWindowSeconds"] = (.seconds, false)
        names["flowControl.windowUpdateFramesSent"] = (.count, false)
        names["flowControl.windowUpdateBytesSent"] = (.count, false)
        names["flowControl.server.streamStalls"] = (.count, false)
        names["flowControl.server.connectionStalls"] = (.count, false)
        names["flowControl.server.streamStallSeconds"] = (.seconds, false)
        names["flowControl.server.connectionStallSeconds"] = (.seconds, false)
        names["openLoop.lateStarts"] = (.count, false)
        names["openLoop.achievedRate"] = (.perSecond, true)
        names["connectionErrors"] = (.count, false)
        return names
    }()

    /// Every name a rule may use, for messages and did-you-mean: the plain names, then
    /// `<latencyMetric>.<statistic>` for each latency metric and statistic.
    public static var allNames: [String] {
        plainNames.keys.sorted() + LatencyMetric.allCases.flatMap { metric in
            latencyStatistics.map { "\(metric.rawValue).\($0)" }
        }
    }

    /// The metric called `name` (a leading `latency.` is accepted: `latency.ttfb.p99`), or `nil`.
    public init?(named name: String) {
        var text = name
        if text.hasPrefix("latency.") { text.removeFirst("latency.".count) }
        if let (unit, higher) = Self.plainNames[text] {
            self.name = text
            self.unit = unit
            self.higherIsBetter = higher
            return
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, LatencyMetric(rawValue: String(parts[0])) != nil,
              Self.latencyStatistics.contains(String(parts[1])) else { return nil }
        self.name = text
        self.unit = .microseconds
        self.higherIsBetter = false
    }

    /// `value` (in ``unit``) as text with its unit: `1.25ms`, `12.3 MB/s`, `42`.
    public func format(_ value: Double) -> String {
        switch unit {
        case .count: return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : Self.trimmed(value, 3)
        case .perSecond: return Self.trimmed(value, 1) + "/s"
        case .bytesPerSecond: return Self.trimmed(value / 1e6, 2) + " MB/s"
        case .microseconds: return Self.time(seconds: value / 1e6)
        case .seconds: return Self.time(seconds: value)
        }
    }

    /// A time in the most readable unit: `850ns`, `12.5µs`, `1.25ms`, `3.2s`.
    static func time(seconds: Double) -> String {
        let magnitude = abs(seconds)
        if magnitude == 0 { return "0s" }
        if magnitude < 1e-6 { return trimmed(seconds * 1e9, 0) + "ns" }
        if magnitude < 1e-3 { return trimmed(seconds * 1e6, 2) + "µs" }
        if magnitude < 1 { return trimmed(seconds * 1e3, 2) + "ms" }
        return trimmed(seconds, 3) + "s"
    }

    /// `value` with at most `decimals` decimals and no trailing zeros (`1.50` → `1.5`).
    static func trimmed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if text.hasSuffix(".0") { text.removeLast(2) }
        if text.contains("e") { return text }
        return text
    }
}
