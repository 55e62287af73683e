import Foundation
import Testing
@testable import H2Report
import H2Profile
import H2Results

@Suite("HTMLReport")
struct HTMLReportTests {
    /// Parses every SVG block of `page` as XML and returns the series names per chart id (summed over charts
    /// sharing an id); records an issue for each block that is not well-formed.
    private func parsedSeries(_ page: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for block in HTMLReportExpectations.svgBlocks(page) {
            let parser = SVGBlockParser()
            let ok = parser.parse(block)
            #expect(ok, "SVG block is not well-formed XML: \(parser.error ?? "") in \(block.prefix(200))", sourceLocation: sourceLocation)
            result[parser.chart ?? "?", default: []] += parser.series
        }
        return result
    }

    private func assertWellFormed(_ run: RunResult, sourceLocation: SourceLocation = #_sourceLocation) {
        let page = HTMLReport.render(run)
        let series = parsedSeries(page, sourceLocation: sourceLocation)
        #expect(series.mapValues(\.count) == HTMLReportExpectations.seriesCounts(run), sourceLocation: sourceLocation)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), sourceLocation: sourceLocation)
        #expect(page.hasSuffix("</body>\n</html>\n"), sourceLocation: sourceLocation)
    }

    @Test("every <svg> block parses as XML and each chart has the expected number of series")
    func syntheticRun() {
        let run = SyntheticRun.make()
        let page = HTMLReport.render(run)
        let series = parsedSeries(page)
        let expected = HTMLReportExpectations.seriesCounts(run)
        #expect(series.mapValues(\.count) == expected)
        // The synthetic run varies the server threads (2, 2, 0), so both scaling axes are drawn.
        #expect(expected["throughput-vs-threads"] == 3)
        #expect(expected["throughput-vs-server-threads"] == 2)
        #expect(expected["wake-vs-threads"] == 2, "only the clean cell has wake figures: p50 and p99")
        #expect(series["outcomes"] == StreamOutcome.allCases.map(\.rawValue) + ["unfinished"])
        #expect(series["percentiles-ttfb"] == ["baseline/t1/r1", "window-64k/t2/r1"], "the idle cell recorded nothing: no line")
        #expect(HTMLReportExpectations.svgBlocks(page).count == 2 + 2 + 1 + 3 + 3 + 1)
    }

    @Test("the page is self-contained: no URL except the SVG namespace, no scripts, no external resources")
    func selfContained() {
        let page = HTMLReport.render(SyntheticRun.make())
        let withoutNamespace = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http://"))
        #expect(!withoutNamespace.contains("https://"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("<link"))
        #expect(!page.contains("src="))
        #expect(!page.contains("@import"))
        #expect(!page.contains("url("))
    }

    @Test("names are escaped in text, attributes and tooltips")
    func escaping() throws {
        var run = SyntheticRun.make()
        run.cells[0].variant = "<x&y>"
        run.cells[0].id = "<x&y>/t1/\"r1'"
        run.notes.append("a <b> & c")
        run.target = "<script>alert(1)</script>"
        let page = HTMLReport.render(run)
        #expect(!page.contains("<x&y>"))
        #expect(!page.contains("<script>"))
        #expect(page.contains("&lt;x&amp;y&gt;"))
        #expect(page.contains("a &lt;b&gt; &amp; c"))
        let series = parsedSeries(page)
        #expect(series["throughput-vs-threads"]?.contains("<x&y> · server threads 2") == true, "XML parser unescapes the attribute")
        #expect(series["percentiles-ttfb"]?.first == "<x&y>/t1/\"r1'")
    }

    @Test("a run without wake figures omits the wake charts and says why")
    func noWake() {
        var run = SyntheticRun.make()
        run.cells.remove(at: 0)
        let page = HTMLReport.render(run)
        let series = parsedSeries(page)
        #expect(series["wake-vs-threads"] == nil)
        #expect(series["series-wake"] == nil)
        #expect(page.contains("Wake latency vs threads is not drawn: no cell has wake figures."))
        #expect(page.contains(SVGMarkup.escaped(WakeAvailability.noTimestampsNote)))
        #expect(series.mapValues(\.count) == HTMLReportExpectations.seriesCounts(run))
    }

    @Test("missing figures are gaps: an empty histogram draws no line, a missing wake second breaks the line")
    func gaps() throws {
        var run = SyntheticRun.make()
        run.cells = [run.cells[0]]
        run.cells[0].series[2].wakePollP99Micros = nil
        let page = HTMLReport.render(run)
        let wake = try #require(HTMLReportExpectations.svgBlocks(page).first { $0.contains("data-chart=\"series-wake\"") })
        let paths = wake.components(separatedBy: "<path d=\"").count - 1
        #expect(paths == 2, "seconds 0–1 and 3–4 are separate lines, not joined through a zero")
        // A cell with nothing recorded appears in no percentile chart and is named in the caption.
        let idle = SyntheticRun.make()
        let idlePage = HTMLReport.render(idle)
        #expect(idlePage.contains("Nothing recorded in: window-64k/t2/r2."))
    }

    @Test("works with one cell and with 50 cells")
    func cellCounts() throws {
        let base = SyntheticRun.make()
        var one = base
        one.cells = [base.cells[0]]
        assertWellFormed(one)
        let onePage = HTMLReport.render(one)
        #expect(onePage.contains("data-chart=\"throughput-vs-threads\""))
        #expect(!onePage.contains("data-chart=\"throughput-vs-server-threads\""), "one cell: the server axis does not vary")

        var many = base
        many.cells = (0..<50).map { index in
            var cell = base.cells[index % 2]
            cell.index = index
            cell.variant = "variant-\(index % 5)"
            cell.threads = 1 << (index / 5 % 4)
            cell.serverThreads = 1
            cell.repeat = index / 20 + 1
            cell.id = "\(cell.variant)/t\(cell.threads)/s1/r\(cell.repeat)-\(index)"
            return cell
        }
        assertWellFormed(many)
        let page = HTMLReport.render(many)
        let series = parsedSeries(page)
        #expect(series["throughput-vs-threads"]?.count == 5)
        #expect(series["percentiles-ttfb"]?.count == 50)
        let outcomes = try #require(HTMLReportExpectations.svgBlocks(page).first { $0.contains("data-chart=\"outcomes\"") })
        #expect(outcomes.components(separatedBy: "text-anchor=\"end\">").count - 1 == 50, "one labelled bar per cell")
    }

    @Test("faults and a managed target's process get their tables")
    func faultsAndTargetProcess() {
        let html = HTMLReport.render(SyntheticRun.withFaultsAndTargetProcess())
        #expect(html.contains("<h2 id=\"faults\">Faults</h2>"))
        #expect(html.contains("<h3><code>window-64k/t2/r1</code></h3>"))
        #expect(html.contains("<td>rst;after=3;code=8</td><td>reset</td><td>✓</td>"), "no backticks in HTML cells")
        #expect(html.contains("<h2 id=\"target-process\">Target process</h2>"))
        #expect(html.contains("<td>⚠ exit 3 (early)</td>"))
        #expect(html.contains("<code>targets/</code>"))
        // Each cell's command, env and port, escaped, without Markdown backticks.
        #expect(html.contains("<tr><td>baseline/t1/r1</td><td class=\"num\">40311</td><td>GODEBUG=gctrace=1 GOMAXPROCS=2</td><td>./bin/grpc-server -addr 127.0.0.1:40311 -window 1048576</td></tr>"), "\(html)")
        #expect(html.contains(#"<td>python3 -c &#39;print(&#39;\&#39;&#39;a|b&#39;\&#39;&#39;)&#39; --port 40555</td>"#), "\(html)")
        #expect(html.contains("(the last cell&#39;s; every cell&#39;s command, env and port are under <em>Target process</em>)</dd>"), "\(html)")
        let plain = HTMLReport.render(SyntheticRun.make())
        #expect(!plain.contains("id=\"faults\"") && !plain.contains("id=\"target-process\""))
    }

    @Test("an empty run renders without charts")
    func emptyRun() {
        var run = SyntheticRun.make()
        run.cells = []
        run.status = .running
        let page = HTMLReport.render(run)
        #expect(page.contains("No cell has finished yet."))
        #expect(HTMLReportExpectations.svgBlocks(page).isEmpty)
    }

    @Test("the summary table has the same figures as report.md")
    func summaryTable() {
        let run = SyntheticRun.make()
        let page = HTMLReport.render(run)
        let table = CellTable.make(run)
        for row in table.rows {
            let html = row.map { "\(SVGMarkup.escaped($0))</td>" }
            var rest = page[...]
            for cell in html {
                guard let found = rest.range(of: cell) else {
                    Issue.record("missing \(cell) of row \(row[0])")
                    break
                }
                rest = rest[found.upperBound...]
            }
        }
        #expect(page.contains("<td class=\"num bad\">12</td>"), "12 truncated streams are highlighted")
    }
}
