import H2Metrics
import H2TestSupport
import Testing

/// `deploy/grafana/h2stress-dashboard.json` asks only for what the exporter emits.
struct GrafanaDashboardTests {
    static let histograms = RunMetrics.histogramNames

    @Test("every panel's PromQL names only metrics the exporter emits")
    func queriesNameEmittedMetrics() throws {
        let dashboard = try GrafanaDashboard()
        #expect(dashboard.json["schemaVersion"] as? Int == 39)
        let panels = dashboard.panels.filter { $0["type"] as? String != "row" }
        #expect(panels.count >= 8)
        for panel in panels {
            let title = panel["title"] as? String ?? "?"
            let targets = panel["targets"] as? [[String: Any]] ?? []
            #expect(!targets.isEmpty, "panel `\(title)` has no query")
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${datasource}", "panel `\(title)` uses the datasource variable")
        }
        let expressions = dashboard.expressions
        for expression in expressions {
            #expect(expression.contains("h2stress_"), "\(expression)")
            let unknown = GrafanaDashboard.unknownMetrics(in: expression, emitted: RunMetrics.metricNames, histograms: Self.histograms)
            #expect(unknown.isEmpty, "`\(expression)` names \(unknown), which the exporter does not emit")
        }
        let used = Set(expressions.flatMap { $0.matches(of: /h2stress_[a-z_]+/).map { String($0.output) } })
        for wanted in ["h2stress_streams_total", "h2stress_received_bytes_total", "h2stress_open_streams",
                       "h2stress_wake_poll_seconds_bucket", "h2stress_ttfb_seconds_bucket"] {
            #expect(used.contains(wanted), "the dashboard shows \(wanted)")
        }
        let variables = ((dashboard.json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(variables.contains("datasource") && variables.contains("shard"))
    }

    @Test("the check finds a metric the exporter does not emit")
    func unknownIsFound() {
        let unknown = GrafanaDashboard.unknownMetrics(in: "rate(h2stress_streams_total[1m]) + h2stress_sent_bytes_total + h2stress_ttfb_seconds_bucket",
                                                      emitted: RunMetrics.metricNames, histograms: Self.histograms)
        #expect(unknown == ["h2stress_sent_bytes_total"])
    }
}
