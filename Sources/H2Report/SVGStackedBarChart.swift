/// A horizontal 100 % stacked bar chart as one `<svg>`: one bar per row (a cell), one segment per category
/// (an outcome), a legend on top and each row's notable counts to the right of its bar.
///
/// Each category is a `<g class="series" data-series="name">` holding its segments of every row (all
/// categories are present, even when empty, so the legend and the DOM agree). Segments carry a `<title>`
/// tooltip with the count and share. A non-zero count is drawn at least ``minimumSegmentWidth`` wide so a
/// handful of truncated streams among thousands stays visible; the widest segment gives up the room.
struct SVGStackedBarChart {
    /// One category (stack layer).
    struct Category {
        /// Legend and `data-series` name.
        var name: String
        /// Fill colour.
        var colour: String
    }

    /// One bar.
    struct Row {
        /// Label left of the bar.
        var label: String
        /// One count per category, same order as ``SVGStackedBarChart/categories``.
        var counts: [Int]
        /// Text right of the bar (e.g. the non-zero failure counts).
        var annotation: String
    }

    /// Identifies the chart in the DOM (`data-chart`).
    var identifier: String
    /// Heading drawn at the top.
    var title: String
    /// Stack layers, bottom (left) first.
    var categories: [Category]
    /// Bars, top first.
    var rows: [Row]
    /// Total width, px.
    var width: Double = 1000

    /// Smallest width of a segment with a non-zero count, px.
    static let minimumSegmentWidth = 3.0

    private let barHeight = 16.0
    private let rowGap = 6.0
    private let titleHeight = 26.0

    /// Widths of the segments of one bar of `total` px: proportional to the counts, non-zero counts at least
    /// ``minimumSegmentWidth``, the widest segment shrunk to keep the sum at `total`.
    static func segmentWidths(_ counts: [Int], total: Double) -> [Double] {
        let sum = counts.reduce(0) { $0 + max(0, $1) }
        guard sum > 0 else { return counts.map { _ in 0 } }
        var widths = counts.map { $0 > 0 ? max(minimumSegmentWidth, total * Double($0) / Double(sum)) : 0 }
        let excess = widths.reduce(0, +) - total
        if excess > 0, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }) {
            widths[widest] = max(minimumSegmentWidth, widths[widest] - excess)
        }
        return widths
    }

    /// The complete `<svg>` element.
    func markup() -> String {
        let c = SVGMarkup.coordinate
        let labelWidth = min(280, max(80, (rows.map { SVGLegend.textWidth($0.label) }.max() ?? 0) + 12))
        let annotationWidth = min(460, max(160, (rows.map { SVGLegend.textWidth($0.annotation) }.max() ?? 0) + 16))
        let barLeft = labelWidth
        let barWidth = max(120, width - labelWidth - annotationWidth)
        let legend = SVGLegend(entries: categories.map {
            .init(label: $0.name, style: SVGSeriesStyle(colour: $0.colour, dash: ""), swatch: true)
        }, width: width - 8)
        let legendTop = titleHeight
        let barsTop = legendTop + legend.height + 24
        let barsBottom = barsTop + Double(rows.count) * (barHeight + rowGap)
        let height = barsBottom + 36

        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" data-chart=\"\(SVGMarkup.escaped(identifier))\""
        out += " width=\"\(c(width))\" height=\"\(c(height))\" viewBox=\"0 0 \(c(width)) \(c(height))\""
        out += " role=\"img\" aria-label=\"\(SVGMarkup.escaped(title))\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\">"
        out += "<title>\(SVGMarkup.escaped(title))</title>"
        out += "<text x=\"0\" y=\"17\" font-size=\"14\" font-weight=\"600\" fill=\"\(SVGPalette.ink)\">\(SVGMarkup.escaped(title))</text>"
        out += legend.markup(x: 0, y: legendTop)

        // Share axis: grid at 0, 25, 50, 75, 100 %.
        out += "<g class=\"x-axis\" font-size=\"11\" fill=\"\(SVGPalette.ink)\" text-anchor=\"middle\">"
        for quarter in 0...4 {
            let position = barLeft + barWidth * Double(quarter) / 4
            out += "<line x1=\"\(c(position))\" y1=\"\(c(barsTop - 4))\" x2=\"\(c(position))\" y2=\"\(c(barsBottom))\" stroke=\"\(SVGPalette.grid)\"/>"
            out += "<text x=\"\(c(position))\" y=\"\(c(barsBottom + 14))\">\(quarter * 25) %</text>"
        }
        out += "</g>"
        out += "<text x=\"\(c(barLeft + barWidth / 2))\" y=\"\(c(barsBottom + 30))\" text-anchor=\"middle\" font-size=\"12\" fill=\"\(SVGPalette.ink)\">share of the cell's streams (outcome, or unfinished when the cell ended)</text>"

        // Row labels, empty-row frames and annotations.
        out += "<g class=\"rows\" font-size=\"12\" fill=\"\(SVGPalette.ink)\">"
        for (index, row) in rows.enumerated() {
            let top = barsTop + Double(index) * (barHeight + rowGap)
            var label = row.label
            let maxCharacters = Int((labelWidth - 12) / 6.8)
            if label.count > maxCharacters { label = String(label.prefix(max(1, maxCharacters - 1))) + "…" }
            out += "<text x=\"\(c(barLeft - 8))\" y=\"\(c(top + barHeight - 4))\" text-anchor=\"end\">\(SVGMarkup.escaped(label))<title>\(SVGMarkup.escaped(row.label))</title></text>"
            if row.counts.reduce(0, +) == 0 {
                out += "<rect x=\"\(c(barLeft))\" y=\"\(c(top))\" width=\"\(c(barWidth))\" height=\"\(c(barHeight))\" fill=\"none\" stroke=\"\(SVGPalette.muted)\" stroke-dasharray=\"3 3\"/>"
            }
            out += "<text x=\"\(c(barLeft + barWidth + 8))\" y=\"\(c(top + barHeight - 4))\">\(SVGMarkup.escaped(row.annotation))</text>"
        }
        out += "</g>"

        // Segments, grouped by category.
        let widths = rows.map { Self.segmentWidths($0.counts, total: barWidth) }
        for (category, layer) in categories.enumerated() {
            out += "<g class=\"series\" data-series=\"\(SVGMarkup.escaped(layer.name))\" fill=\"\(layer.colour)\">"
            for (index, row) in rows.enumerated() where category < row.counts.count && row.counts[category] > 0 {
                let top = barsTop + Double(index) * (barHeight + rowGap)
                let left = barLeft + widths[index][..<category].reduce(0, +)
                let total = row.counts.reduce(0, +)
                let share = 100 * Double(row.counts[category]) / Double(total)
                out += "<rect x=\"\(c(left))\" y=\"\(c(top))\" width=\"\(c(widths[index][category]))\" height=\"\(c(barHeight))\">"
                out += "<title>\(SVGMarkup.escaped("\(row.label) · \(layer.name): \(NumberText.grouped(row.counts[category])) of \(NumberText.grouped(total)) (\(SVGMarkup.compact(share)) %)"))</title></rect>"
            }
            out += "</g>"
        }
        return out + "</svg>"
    }
}
