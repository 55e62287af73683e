/// A chart legend laid out in rows inside an SVG: a line sample (or a swatch) and a label per entry,
/// wrapping to a new row when the next entry would not fit.
struct SVGLegend {
    /// One legend entry.
    struct Entry {
        /// Shown text.
        var label: String
        /// Colour and dash of the sample.
        var style: SVGSeriesStyle
        /// True: a filled square (bar charts); false: a short line with a marker (line charts).
        var swatch: Bool = false
    }

    /// Entries in display order.
    var entries: [Entry]
    /// Width available for the rows, px.
    var width: Double

    /// Height of one legend row, px.
    static let rowHeight = 18.0

    /// Estimated text width in px for a 12 px sans-serif font (no font metrics available offline).
    static func textWidth(_ text: String) -> Double {
        Double(text.count) * 6.8
    }

    /// Entry positions: (row, x offset) for each entry.
    private func positions() -> [(row: Int, x: Double)] {
        var row = 0
        var x = 0.0
        var out: [(row: Int, x: Double)] = []
        for entry in entries {
            let itemWidth = 30 + Self.textWidth(entry.label) + 14
            if x > 0, x + itemWidth > width {
                row += 1
                x = 0
            }
            out.append((row, x))
            x += itemWidth
        }
        return out
    }

    /// Total height the legend needs, px (0 without entries).
    var height: Double {
        guard let last = positions().last else { return 0 }
        return Double(last.row + 1) * Self.rowHeight
    }

    /// The legend's markup with its top-left corner at (`x`, `y`).
    func markup(x: Double, y: Double) -> String {
        var out = "<g class=\"legend\" font-size=\"12\">"
        for (entry, position) in zip(entries, positions()) {
            let left = x + position.x
            let middle = y + Double(position.row) * Self.rowHeight + Self.rowHeight / 2
            let c = SVGMarkup.coordinate
            if entry.swatch {
                out += "<rect x=\"\(c(left + 8))\" y=\"\(c(middle - 6))\" width=\"12\" height=\"12\" fill=\"\(entry.style.colour)\" stroke=\"\(SVGPalette.ink)\" stroke-width=\"0.5\"/>"
            } else {
                out += "<line x1=\"\(c(left))\" y1=\"\(c(middle))\" x2=\"\(c(left + 26))\" y2=\"\(c(middle))\" stroke=\"\(entry.style.colour)\" stroke-width=\"2\""
                if !entry.style.dash.isEmpty { out += " stroke-dasharray=\"\(entry.style.dash)\"" }
                out += "/><circle cx=\"\(c(left + 13))\" cy=\"\(c(middle))\" r=\"3\" fill=\"\(entry.style.colour)\"/>"
            }
            out += "<text x=\"\(c(left + 30))\" y=\"\(c(middle + 4))\" fill=\"\(SVGPalette.ink)\">\(SVGMarkup.escaped(entry.label))</text>"
        }
        return out + "</g>"
    }
}
