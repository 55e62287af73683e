import Testing
@testable import H2Report

@Suite("HTMLReport charts")
struct HTMLReportChartTests {
    @Test("linear scales start at 0 and end on a nice bound")
    func linearScale() {
        let scale = SVGScale.linear(maximum: 194.9)
        #expect(scale.lower == 0)
        #expect(scale.upper == 200)
        #expect(scale.ticks == [0, 50, 100, 150, 200])
        #expect(SVGScale.linear(maximum: nil).upper == 1)
        #expect(SVGScale.linear(maximum: 0).upper == 1)
        #expect(scale.fraction(100) == 0.5)
        #expect(scale.fraction(-5) == 0 && scale.fraction(1e9) == 1)
    }

    @Test("log scales span whole decades; values ≤ 0 sit on the bottom edge")
    func logScale() {
        let scale = SVGScale.logarithmic(minimum: 15, maximum: 4_239)
        #expect(scale.lower == 10)
        #expect(scale.upper == 10_000)
        #expect(scale.ticks == [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000])
        #expect(abs(scale.fraction(100) - 1.0 / 3) < 1e-9)
        #expect(scale.fraction(0) == 0)
        let wide = SVGScale.logarithmic(minimum: 1, maximum: 1e7)
        #expect(wide.ticks == [1, 10, 100, 1_000, 10_000, 100_000, 1e6, 1e7], "more than 3 decades: decades only")
        #expect(SVGScale.logarithmic(minimum: 100, maximum: 100).upper == 1_000)
    }

    @Test("stacked segments keep rare counts visible and fill the bar exactly")
    func segmentWidths() {
        let widths = SVGStackedBarChart.segmentWidths([100_000, 1, 0, 3], total: 600)
        #expect(widths[1] == SVGStackedBarChart.minimumSegmentWidth)
        #expect(widths[2] == 0)
        #expect(widths[3] == SVGStackedBarChart.minimumSegmentWidth)
        #expect(abs(widths.reduce(0, +) - 600) < 1e-9)
        #expect(SVGStackedBarChart.segmentWidths([0, 0], total: 600) == [0, 0])
    }

    @Test("markup escaping and number formatting")
    func markup() {
        #expect(SVGMarkup.escaped("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(SVGMarkup.escaped("a\u{1}b") == "a b")
        #expect(SVGMarkup.coordinate(12.34) == "12.3")
        #expect(SVGMarkup.coordinate(-0.04) == "0")
        #expect(SVGMarkup.coordinate(-0.5) == "-0.5")
        #expect(SVGMarkup.coordinate(5) == "5")
        #expect(SVGMarkup.duration(micros: 850) == "850 µs")
        #expect(SVGMarkup.duration(micros: 1_500) == "1.5 ms")
        #expect(SVGMarkup.duration(micros: 2_000_000) == "2 s")
        #expect(SVGMarkup.compact(12.5) == "12.5")
        #expect(SVGMarkup.compact(1_250) == "1,250")
    }

    @Test("a line chart with a single point draws it as a marker; nil values draw nothing")
    func singlePoint() {
        let chart = SVGLineChart(identifier: "t", title: "t", xLabels: ["1", "2", "4"], xTitle: "x", yTitle: "y",
                                 series: [.init(name: "a", values: [nil, 5, nil], style: SVGPalette.series(0))])
        let svg = chart.markup()
        #expect(!svg.contains("<path"))
        #expect(svg.components(separatedBy: "<circle").count - 1 == 1 + 1, "one data marker plus the legend sample")
    }

    @Test("series styles differ for the first 28 series")
    func palette() {
        let styles = (0..<28).map(SVGPalette.series)
        #expect(Set(styles.map { "\($0.colour)|\($0.dash)" }).count == 28)
    }
}
