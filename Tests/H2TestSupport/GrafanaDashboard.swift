import Foundation

/// The shipped Grafana dashboard (`deploy/grafana/h2stress-dashboard.json`), read so that tests
/// can check its PromQL names only metrics the exporter emits, and run it against a real Prometheus.
public struct GrafanaDashboard {
    /// The decoded JSON.
    public let json: [String: Any]

    /// The repository's dashboard file.
    public static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/grafana/h2stress-dashboard.json").path

    /// Reads and decodes the dashboard at `path`.
    public init(path: String = GrafanaDashboard.path) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        json = object as? [String: Any] ?? [:]
    }

    /// Every panel, rows' nested panels included, in order.
    public var panels: [[String: Any]] {
        var out: [[String: Any]] = []
        func walk(_ panels: [[String: Any]]) {
            for panel in panels {
                out.append(panel)
                walk(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        walk(json["panels"] as? [[String: Any]] ?? [])
        return out
    }

    /// Every `targets[].expr` of every panel.
    public var expressions: [String] {
        panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
    }

    /// The `h2stress_…` names in `expression` that are not in `emitted` (metric families; a
    /// histogram family `histograms` also covers its `_bucket`, `_sum` and `_count` series).
    public static func unknownMetrics(in expression: String, emitted: [String], histograms: [String]) -> [String] {
        var known = Set(emitted)
        for h in histograms { known.formUnion(["\(h)_bucket", "\(h)_sum", "\(h)_count"]) }
        return expression.matches(of: /h2stress_[A-Za-z0-9_:]*/).map { String($0.output) }.filter { !known.contains($0) }
    }

    /// `expression` with the dashboard's variables replaced for a plain Prometheus query:
    /// `$profile`/`$shard` match everything, `$__rate_interval` is `rateInterval`.
    public static func concrete(_ expression: String, rateInterval: String = "1m") -> String {
        expression.replacingOccurrences(of: "$__rate_interval", with: rateInterval)
            .replacingOccurrences(of: "$profile", with: ".*")
            .replacingOccurrences(of: "$shard", with: ".*")
    }
}
