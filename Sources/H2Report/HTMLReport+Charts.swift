import H2Profile
import H2Results

/// The chart sections of `report.html`.
extension HTMLReport {
    /// Latency metrics drawn as percentile curves, with their titles.
    static let percentileMetrics: [(metric: LatencyMetric, title: String)] = [
        (.ttfb, "time to first byte"), (.streamDuration, "stream duration"), (.messageGap, "inter-message gap"),
    ]
    /// The figures of a percentile curve, left to right, with their x labels.
    static var percentileFigures: [(label: String, figure: KeyPath<LatencySummary, Double>)] {
        [("p50", \.p50), ("p90", \.p90), ("p99", \.p99), ("p99.9", \.p999), ("max", \.max)]
    }

    /// All chart sections.
    static func charts(_ run: RunResult) -> String {
        var out = "<h2 id=\"scaling\">Scaling with threads</h2>\n"
        out += scalingCharts(run)
        out += "<h2 id=\"outcomes\">Stream outcomes</h2>\n"
        out += outcomeChart(run)
        out += "<h2 id=\"latency\">Latency percentiles</h2>\n"
        out += percentileCharts(run)
        out += "<h2 id=\"series\">Per-second series</h2>\n"
        out += seriesCharts(run)
        return out
    }

    // MARK: - Scaling

    /// One line of a scaling chart: cells of one variant (and, when the other thread axis varies, one value of it).
    private struct ScalingLine {
        var name: String
        var variant: String
        var cells: [CellResult]
    }

    /// Groups cells into lines keyed by variant and, when `other` takes more than one value, by `other` too.
    private static func lines(_ run: RunResult, other: KeyPath<CellResult, Int>, otherName: String) -> [ScalingLine] {
        let otherVaries = Set(run.cells.map { $0[keyPath: other] }).count > 1
        var result: [ScalingLine] = []
        for cell in run.cells {
            let value = cell[keyPath: other]
            let name = otherVaries ? "\(cell.variant) · \(otherName) \(value == 0 ? "n/a" : String(value))" : cell.variant
            if let index = result.firstIndex(where: { $0.name == name }) {
                result[index].cells.append(cell)
            } else {
                result.append(ScalingLine(name: name, variant: cell.variant, cells: [cell]))
            }
        }
        return result
    }

    /// The median of `values`; `nil` when empty (a gap in the chart).
    static func median(_ values: [Double]) -> Double? {
        let sorted = values.filter { $0.isFinite }.sorted()
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Colour index of each variant, in order of first appearance (stable across charts).
    private static func variantIndex(_ run: RunResult) -> [String: Int] {
        var index: [String: Int] = [:]
        for cell in run.cells where index[cell.variant] == nil { index[cell.variant] = index.count }
        return index
    }

    private static func scalingCharts(_ run: RunResult) -> String {
        let serverAxisVaries = Set(run.cells.map(\.serverThreads)).count > 1
        var axes: [(axis: KeyPath<CellResult, Int>, title: String, id: String, other: KeyPath<CellResult, Int>, otherName: String)] = [
            (\.threads, "driver threads", "threads", \.serverThreads, "server threads"),
        ]
        if serverAxisVaries {
            axes.append((\.serverThreads, "server threads", "server-threads", \.threads, "driver threads"))
        }
        let repeats = run.cells.contains { $0.repeat > 1 }
        var out = "<div class=\"charts\">\n"
        var wakeNote: String?
        for axis in axes {
            let positions = Array(Set(run.cells.map { $0[keyPath: axis.axis] })).sorted()
            let labels = positions.map { $0 == 0 ? "n/a" : String($0) }
            let groups = lines(run, other: axis.other, otherName: axis.otherName)
            let colours = variantIndex(run)
            // Lines of one variant that differ in the other axis share the colour and change the dash.
            var seen: [String: Int] = [:]
            func style(_ line: ScalingLine) -> SVGSeriesStyle {
                let round = seen[line.variant, default: 0]
                seen[line.variant] = round + 1
                let colour = SVGPalette.series(colours[line.variant] ?? 0).colour
                return SVGSeriesStyle(colour: colour, dash: SVGPalette.dashPatterns[round % SVGPalette.dashPatterns.count])
            }
            func values(_ line: ScalingLine, _ figure: (CellResult) -> Double?) -> [Double?] {
                positions.map { position in
                    median(line.cells.filter { $0[keyPath: axis.axis] == position }.compactMap(figure))
                }
            }
            let throughput = SVGLineChart(
                identifier: "throughput-vs-\(axis.id)",
                title: "Throughput vs \(axis.title)",
                xLabels: labels, xTitle: axis.title, yTitle: "throughput, MB/s (10⁶ bytes/s)",
                format: SVGMarkup.compact,
                series: groups.map { line in
                    SVGLineChart.Series(name: line.name, values: values(line) { $0.throughput.bytesPerSecond / 1_000_000 }, style: style(line))
                },
                width: 570)
            out += figure(throughput.markup(), caption: "DATA payload bytes received per second of the measured window, one line per variant"
                + (repeats ? "; median of the repeats" : "") + ".")

            seen = [:]
            var wakeSeries: [SVGLineChart.Series] = []
            var missing: [String] = []
            for line in groups {
                let base = style(line)
                let p50 = values(line) { $0.wake.available && !$0[.wakePoll].isEmpty ? $0[.wakePoll].p50 : nil }
                let p99 = values(line) { $0.wake.available && !$0[.wakePoll].isEmpty ? $0[.wakePoll].p99 : nil }
                guard p99.contains(where: { $0 != nil }) else {
                    missing.append(line.name)
                    continue
                }
                wakeSeries.append(.init(name: "\(line.name) p99", values: p99, style: SVGSeriesStyle(colour: base.colour, dash: base.dash)))
                wakeSeries.append(.init(name: "\(line.name) p50", values: p50,
                                        style: SVGSeriesStyle(colour: base.colour, dash: base.dash.isEmpty ? "2 3" : base.dash + " 1 3")))
            }
            if wakeSeries.isEmpty {
                wakeNote = "Wake latency vs threads is not drawn: no cell has wake figures. "
                    + wakeNotes(run).map { "\($0.note) (\($0.cells.count) cell\($0.cells.count == 1 ? "" : "s"))" }.joined(separator: "; ")
                    + "."
                continue
            }
            let wake = SVGLineChart(
                identifier: "wake-vs-\(axis.id)",
                title: "Wake latency (wakePoll) vs \(axis.title)",
                xLabels: labels, xTitle: axis.title, yTitle: "wake latency, log scale",
                logarithmic: true, format: { SVGMarkup.duration(micros: $0) },
                series: wakeSeries, width: 570)
            var caption = "Kernel receive timestamp → first read of the wake; p99 solid, p50 dotted, one colour per variant"
            caption += repeats ? "; median of the repeats." : "."
            if !missing.isEmpty {
                caption += " n/a (no wake figures) for: " + missing.joined(separator: ", ") + "."
            }
            out += figure(wake.markup(), caption: caption)
        }
        out += "</div>\n"
        if let wakeNote { out += "<p class=\"na\">\(SVGMarkup.escaped(wakeNote))</p>\n" }
        return out
    }

    // MARK: - Outcomes

    private static func outcomeChart(_ run: RunResult) -> String {
        let categories = StreamOutcome.allCases.map {
            SVGStackedBarChart.Category(name: $0.rawValue, colour: SVGPalette.outcomeColour($0))
        } + [SVGStackedBarChart.Category(name: "unfinished", colour: SVGPalette.outcomeColour(nil))]
        let rows = run.cells.map { cell -> SVGStackedBarChart.Row in
            let counts = StreamOutcome.allCases.map { cell.streams[$0] } + [cell.streams.unfinished]
            var notable = StreamOutcome.allCases.filter { $0 != .complete && cell.streams[$0] > 0 }
                .map { "\(NumberText.grouped(cell.streams[$0])) \($0.rawValue)" }
            if cell.streams.unfinished > 0 { notable.append("\(NumberText.grouped(cell.streams.unfinished)) unfinished") }
            let annotation = cell.streams.total == 0 ? "no streams"
                : "\(NumberText.grouped(cell.streams.total)) streams" + (notable.isEmpty ? ", all complete" : ": " + notable.joined(separator: ", "))
            return SVGStackedBarChart.Row(label: cell.id, counts: counts, annotation: annotation)
        }
        let chart = SVGStackedBarChart(identifier: "outcomes", title: "Stream outcomes per cell", categories: categories, rows: rows, width: 1180)
        return figure(chart.markup(), caption: "Share of each cell's streams per outcome. A non-zero count is drawn at least "
            + "\(SVGMarkup.compact(SVGStackedBarChart.minimumSegmentWidth)) px wide so that rare failures stay visible; exact counts in the tooltips and on the right. "
            + "truncated = ended as if successful with data missing.")
    }

    // MARK: - Percentiles

    private static func percentileCharts(_ run: RunResult) -> String {
        var out = "<div class=\"charts\">\n"
        for (metric, title) in percentileMetrics {
            let cells = run.cells.enumerated().filter { !$0.element[metric].isEmpty }
            let empty = run.cells.filter { $0[metric].isEmpty }.map(\.id)
            var caption = "\(metric.rawValue), µs recorded, log scale; one line per cell."
            if !empty.isEmpty { caption += " Nothing recorded in: " + empty.joined(separator: ", ") + "." }
            if cells.isEmpty {
                out += "<p class=\"na\">\(SVGMarkup.escaped(title)) (\(metric.rawValue)): nothing recorded in any cell.</p>\n"
                continue
            }
            if cells.contains(where: { cell in percentileFigures.contains { cell.element[metric][keyPath: $0.figure] <= 0 } }) {
                caption += " Values of 0 are drawn on the bottom edge."
            }
            let chart = SVGLineChart(
                identifier: "percentiles-\(metric.rawValue)",
                title: "\(title.prefix(1).uppercased() + title.dropFirst()) (\(metric.rawValue)) percentiles",
                xLabels: percentileFigures.map(\.label), xTitle: "percentile", yTitle: "\(metric.rawValue), log scale",
                logarithmic: true, format: { SVGMarkup.duration(micros: $0) },
                series: cells.map { index, cell in
                    .init(name: cell.id, values: percentileFigures.map { cell[metric][keyPath: $0.figure] }, style: SVGPalette.series(index))
                },
                width: 570)
            out += figure(chart.markup(), caption: caption)
        }
        return out + "</div>\n"
    }

    // MARK: - Series

    private static func seriesCharts(_ run: RunResult) -> String {
        let cells = run.cells.filter { !$0.series.isEmpty }
        guard !cells.isEmpty else { return "<p class=\"na\">No cell has a per-second series.</p>\n" }
        let seconds = cells.map { ($0.series.map(\.second).max() ?? 0) + 1 }.max() ?? 1
        let labels = (0..<seconds).map(String.init)
        let rateScale = SVGScale.linear(maximum: cells.flatMap { $0.series.map { Double($0.bytes) / 1_000_000 } }.max())
        let wakes = cells.flatMap { $0.series.compactMap(\.wakePollP99Micros) }.filter { $0 > 0 }
        let wakeScale = SVGScale.logarithmic(minimum: wakes.min(), maximum: wakes.max())
        var out = "<p class=\"legend-text\">One panel per cell: MB/s received and the p99 of that second's wake latencies "
        out += "(<code>wakePoll</code>, 2 significant digits), per second of the measured window. Scales are shared by all "
        out += "cells; a gap means no wake value in that second.</p>\n<div class=\"multiples\">\n"
        for cell in cells {
            var rate = [Double?](repeating: nil, count: seconds)
            var wake = [Double?](repeating: nil, count: seconds)
            for sample in cell.series where sample.second >= 0 && sample.second < seconds {
                rate[sample.second] = Double(sample.bytes) / 1_000_000
                wake[sample.second] = sample.wakePollP99Micros
            }
            let colour = SVGPalette.series(0)
            let rateChart = SVGLineChart(
                identifier: "series-rate", title: "MB/s", xLabels: labels, xTitle: "second", yTitle: "MB/s",
                series: [.init(name: "\(cell.id) MB/s", values: rate, style: colour)],
                width: 280, plotHeight: 110, showsLegend: false, markersOnEveryPoint: seconds <= 30, sharedScale: rateScale)
            out += "<figure data-cell=\"\(SVGMarkup.escaped(cell.id))\"><h3><code>\(SVGMarkup.escaped(cell.id))</code></h3>"
            out += rateChart.markup()
            if cell.wake.available, wake.contains(where: { $0 != nil }) {
                let wakeChart = SVGLineChart(
                    identifier: "series-wake", title: "wake p99", xLabels: labels, xTitle: "second", yTitle: "log scale",
                    logarithmic: true, format: { SVGMarkup.duration(micros: $0) },
                    series: [.init(name: "\(cell.id) wake p99", values: wake, style: SVGPalette.series(5))],
                    width: 280, plotHeight: 110, showsLegend: false, markersOnEveryPoint: seconds <= 30, sharedScale: wakeScale)
                out += wakeChart.markup()
            } else {
                let reason = cell.wake.available ? "no wake value in any second" : (cell.wake.note ?? "not measured")
                out += "<p class=\"na\">wake p99: n/a — \(SVGMarkup.escaped(reason))</p>"
            }
            out += "</figure>\n"
        }
        return out + "</div>\n"
    }

    /// A chart in a `<figure>` with a caption.
    private static func figure(_ svg: String, caption: String) -> String {
        "<figure>\(svg)<figcaption>\(SVGMarkup.escaped(caption))</figcaption></figure>\n"
    }
}
