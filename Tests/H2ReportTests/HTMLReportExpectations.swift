import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import H2Report
import H2Profile
import H2Results

/// What `report.html` must contain for a run, computed from the ``RunResult`` independently of the renderer,
/// and the tools to check a rendered page against it.
enum HTMLReportExpectations {
    /// Expected number of `data-series` elements per `data-chart` identifier (summed over charts sharing an id,
    /// i.e. the per-cell small multiples).
    static func seriesCounts(_ run: RunResult) -> [String: Int] {
        guard !run.cells.isEmpty else { return [:] }
        var counts: [String: Int] = [:]
        let serverVaries = Set(run.cells.map(\.serverThreads)).count > 1
        func hasWake(_ cell: CellResult) -> Bool { cell.wake.available && cell[.wakePoll].count > 0 }
        // Lines vs driver threads: one per variant, or per (variant, server threads) when server threads vary.
        let driverLines = Set(run.cells.map { serverVaries ? "\($0.variant)/\($0.serverThreads)" : $0.variant })
        counts["throughput-vs-threads"] = driverLines.count
        let wakeDriverLines = Set(run.cells.filter(hasWake).map { serverVaries ? "\($0.variant)/\($0.serverThreads)" : $0.variant })
        if !wakeDriverLines.isEmpty { counts["wake-vs-threads"] = 2 * wakeDriverLines.count }
        if serverVaries {
            let driverVaries = Set(run.cells.map(\.threads)).count > 1
            let serverLines = Set(run.cells.map { driverVaries ? "\($0.variant)/\($0.threads)" : $0.variant })
            counts["throughput-vs-server-threads"] = serverLines.count
            let wakeServerLines = Set(run.cells.filter(hasWake).map { driverVaries ? "\($0.variant)/\($0.threads)" : $0.variant })
            if !wakeServerLines.isEmpty { counts["wake-vs-server-threads"] = 2 * wakeServerLines.count }
        }
        counts["outcomes"] = StreamOutcome.allCases.count + 1  // every outcome plus unfinished
        for metric in [LatencyMetric.ttfb, .streamDuration, .messageGap] {
            let recorded = run.cells.filter { $0[metric].count > 0 }.count
            if recorded > 0 { counts["percentiles-\(metric.rawValue)"] = recorded }
        }
        let withSeries = run.cells.filter { !$0.series.isEmpty }
        if !withSeries.isEmpty { counts["series-rate"] = withSeries.count }
        let withWakeSeries = withSeries.filter { $0.wake.available && $0.series.contains { $0.wakePollP99Micros != nil } }
        if !withWakeSeries.isEmpty { counts["series-wake"] = withWakeSeries.count }
        return counts
    }

    /// The `<svg …>…</svg>` blocks of a page, in order (the report never nests them).
    static func svgBlocks(_ page: String) -> [String] {
        var blocks: [String] = []
        var rest = page[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            blocks.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return blocks
    }

    /// Series counted per chart by a textual scan (for browser DOM dumps, which are HTML- not XML-serialised).
    static func scannedSeriesCounts(_ page: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for block in svgBlocks(page) {
            guard let chart = attribute("data-chart", in: block) else { continue }
            counts[chart, default: 0] += block.components(separatedBy: "data-series=\"").count - 1
        }
        return counts
    }

    /// The first value of `name="…"` in `text`.
    static func attribute(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: " \(name)=\"") else { return nil }
        guard let end = text.range(of: "\"", range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}

/// Parses one SVG block as XML and collects its chart id and series names (attribute values unescaped).
final class SVGBlockParser: NSObject, XMLParserDelegate {
    private(set) var chart: String?
    private(set) var series: [String] = []
    private(set) var error: String?

    /// Parses `svg`; returns false (and sets ``error``) when it is not well-formed XML.
    func parse(_ svg: String) -> Bool {
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = self
        let ok = parser.parse()
        if !ok, error == nil { error = parser.parserError.map { "\($0)" } ?? "unknown XML error" }
        return ok
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        if elementName == "svg", chart == nil { chart = attributeDict["data-chart"] }
        if let name = attributeDict["data-series"] { series.append(name) }
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        error = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError)"
    }
}
