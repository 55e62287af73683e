/// A line chart drawn as one self-contained `<svg>` element: categorical x axis (threads, percentiles,
/// seconds), linear or logarithmic y axis with grid, tick labels, axis titles with units, and a legend.
///
/// Each series is a `<g class="series" data-series="name">` holding its line(s) and markers, so a test (or a
/// reader of the DOM) can count series. A missing value (`nil`) breaks the line: a gap, never a zero.
/// Markers carry a `<title>` (the browser's tooltip) with the series, the x label and the formatted value.
struct SVGLineChart {
    /// One line of the chart.
    struct Series {
        /// Name shown in the legend and the tooltips; the `data-series` attribute.
        var name: String
        /// One value per x position (same count as ``SVGLineChart/xLabels``); `nil` = no value there.
        var values: [Double?]
        /// Colour and dash.
        var style: SVGSeriesStyle
    }

    /// Identifies the chart in the DOM (`data-chart`).
    var identifier: String
    /// Heading drawn at the top of the chart.
    var title: String
    /// Labels of the x positions, left to right.
    var xLabels: [String]
    /// X axis title, with unit.
    var xTitle: String
    /// Y axis title, with unit.
    var yTitle: String
    /// Logarithmic y axis (values ≤ 0 are drawn on the bottom edge).
    var logarithmic: Bool = false
    /// Formats y values for tick labels and tooltips.
    var format: (Double) -> String = SVGMarkup.compact
    /// The lines.
    var series: [Series]
    /// Total width, px.
    var width: Double = 720
    /// Height of the plot area, px (title, axes and legend come on top of it).
    var plotHeight: Double = 240
    /// Draw the legend (small multiples with one series leave it out).
    var showsLegend = true
    /// Draw a marker on every point; otherwise only on isolated points (neighbours missing).
    var markersOnEveryPoint = true
    /// A y scale shared with other charts (small multiples); `nil`: chosen from this chart's values.
    var sharedScale: SVGScale?

    private let marginLeft = 78.0
    private let marginRight = 18.0
    private let titleHeight = 26.0
    private let axisHeight = 44.0

    /// The chart's y scale, chosen from the values present.
    var scale: SVGScale {
        if let sharedScale { return sharedScale }
        let values = series.flatMap { $0.values.compactMap { $0 } }.filter { $0.isFinite }
        if logarithmic {
            let positive = values.filter { $0 > 0 }
            return .logarithmic(minimum: positive.min(), maximum: positive.max())
        }
        return .linear(maximum: values.max())
    }

    /// The complete `<svg>` element.
    func markup() -> String {
        let c = SVGMarkup.coordinate
        let scale = self.scale
        let plotWidth = width - marginLeft - marginRight
        let legend = SVGLegend(entries: showsLegend ? series.map { .init(label: $0.name, style: $0.style) } : [],
                               width: width - marginLeft)
        let legendHeight = legend.height
        let top = titleHeight
        let bottom = top + plotHeight
        let height = bottom + axisHeight + (legendHeight > 0 ? legendHeight + 6 : 0)
        func x(_ index: Int) -> Double {
            xLabels.count <= 1 ? marginLeft + plotWidth / 2
                : marginLeft + 12 + (plotWidth - 24) * Double(index) / Double(xLabels.count - 1)
        }
        func y(_ value: Double) -> Double { bottom - plotHeight * scale.fraction(value) }

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"\(SVGMarkup.escaped(identifier))\""
        out += " width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\""
        out += " role=\"img\" aria-label=\"\(SVGMarkup.escaped(title))\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\">"
        out += "<title>\(SVGMarkup.escaped(title))</title>"
        out += "<text x=\"\(c(marginLeft))\" y=\"17\" font-size=\"14\" font-weight=\"600\" fill=\"\(SVGPalette.ink)\">\(SVGMarkup.escaped(title))</text>"

        // Grid and y tick labels.
        out += "<g class=\"y-axis\" font-size=\"11\" fill=\"\(SVGPalette.ink)\">"
        for tick in scale.ticks {
            let position = y(tick)
            out += "<line x1=\"\(c(marginLeft))\" y1=\"\(c(position))\" x2=\"\(c(width - marginRight))\" y2=\"\(c(position))\" stroke=\"\(SVGPalette.grid)\" stroke-width=\"1\"/>"
            out += "<text x=\"\(c(marginLeft - 6))\" y=\"\(c(position + 4))\" text-anchor=\"end\">\(SVGMarkup.escaped(format(tick)))</text>"
        }
        out += "</g>"
        out += "<text transform=\"translate(14 \(c(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(SVGPalette.ink)\">\(SVGMarkup.escaped(yTitle))</text>"

        // X axis, tick labels (thinned to about 12) and title.
        out += "<line x1=\"\(c(marginLeft))\" y1=\"\(c(bottom))\" x2=\"\(c(width - marginRight))\" y2=\"\(c(bottom))\" stroke=\"\(SVGPalette.ink)\" stroke-width=\"1\"/>"
        out += "<line x1=\"\(c(marginLeft))\" y1=\"\(c(top))\" x2=\"\(c(marginLeft))\" y2=\"\(c(bottom))\" stroke=\"\(SVGPalette.ink)\" stroke-width=\"1\"/>"
        let every = max(1, Int((Double(xLabels.count) / 12).rounded(.up)))
        out += "<g class=\"x-axis\" font-size=\"11\" fill=\"\(SVGPalette.ink)\" text-anchor=\"middle\">"
        for (index, label) in xLabels.enumerated() where index % every == 0 {
            out += "<line x1=\"\(c(x(index)))\" y1=\"\(c(bottom))\" x2=\"\(c(x(index)))\" y2=\"\(c(bottom + 4))\" stroke=\"\(SVGPalette.ink)\"/>"
            out += "<text x=\"\(c(x(index)))\" y=\"\(c(bottom + 16))\">\(SVGMarkup.escaped(label))</text>"
        }
        out += "</g>"
        out += "<text x=\"\(c(marginLeft + plotWidth / 2))\" y=\"\(c(bottom + 36))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(SVGPalette.ink)\">\(SVGMarkup.escaped(xTitle))</text>"

        // Series.
        for line in series {
            out += "<g class=\"series\" data-series=\"\(SVGMarkup.escaped(line.name))\" stroke=\"\(line.style.colour)\" fill=\"\(line.style.colour)\">"
            out += "<title>\(SVGMarkup.escaped(line.name))</title>"
            var segment: [(Double, Double)] = []
            var segments: [[(Double, Double)]] = []
            for index in xLabels.indices {
                if index < line.values.count, let value = line.values[index], value.isFinite {
                    segment.append((x(index), y(value)))
                } else if !segment.isEmpty {
                    segments.append(segment)
                    segment = []
                }
            }
            if !segment.isEmpty { segments.append(segment) }
            for points in segments where points.count > 1 {
                let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(c($0.element.0)) \(c($0.element.1))" }.joined(separator: " ")
                out += "<path d=\"\(path)\" fill=\"none\" stroke-width=\"2\" stroke-linejoin=\"round\""
                if !line.style.dash.isEmpty { out += " stroke-dasharray=\"\(line.style.dash)\"" }
                out += "/>"
            }
            for index in xLabels.indices {
                guard index < line.values.count, let value = line.values[index], value.isFinite else { continue }
                let isolated = (index == 0 || line.values[index - 1] == nil)
                    && (index + 1 >= line.values.count || line.values[index + 1] == nil)
                guard markersOnEveryPoint || isolated else { continue }
                out += "<circle cx=\"\(c(x(index)))\" cy=\"\(c(y(value)))\" r=\"3.5\" stroke=\"#FFFFFF\" stroke-width=\"1\">"
                out += "<title>\(SVGMarkup.escaped("\(line.name) · \(xLabels[index]): \(format(value))"))</title></circle>"
            }
            out += "</g>"
        }
        if legendHeight > 0 {
            out += legend.markup(x: marginLeft, y: bottom + axisHeight + 2)
        }
        return out + "</svg>"
    }
}
