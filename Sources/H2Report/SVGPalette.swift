import H2Profile

/// Colours and line styles of the report's charts.
///
/// Series colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
/// in an order that keeps the low-contrast yellow out; after seven series the colours repeat with a
/// different dash pattern, so 50 series stay distinguishable by colour + dash.
enum SVGPalette {
    /// Okabe–Ito: blue, orange, bluish green, reddish purple, sky blue, vermillion, black.
    static let seriesColours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
    /// Dash patterns used for each round of ``seriesColours`` (`""` = solid).
    static let dashPatterns = ["", "6 3", "2 2", "8 3 2 3"]

    /// The style of the `index`-th series of a chart.
    static func series(_ index: Int) -> SVGSeriesStyle {
        let round = index / seriesColours.count
        return SVGSeriesStyle(colour: seriesColours[index % seriesColours.count],
                              dash: dashPatterns[round % dashPatterns.count])
    }

    /// The colour of each bar segment in the outcome chart: complete a quiet pale green so that failures stand
    /// out, truncated (silent data loss) the strongest colour, unfinished grey.
    static func outcomeColour(_ outcome: StreamOutcome?) -> String {
        switch outcome {
        case .complete: return "#B8E0CF"
        case .truncated: return "#D55E00"
        case .reset: return "#E69F00"
        case .goaway: return "#F0E442"
        case .connectionLost: return "#CC79A7"
        case .deadline: return "#0072B2"
        case .statusError: return "#56B4E9"
        case .integrity: return "#000000"
        case nil: return "#9E9E9E"
        }
    }

    /// Axis lines, tick labels and titles.
    static let ink = "#222222"
    /// Grid lines.
    static let grid = "#DDDDDD"
    /// Secondary text (notes inside charts).
    static let muted = "#666666"
}

/// How one series is drawn: stroke colour and dash pattern (`""` = solid).
struct SVGSeriesStyle: Equatable {
    /// CSS colour of the line and markers.
    var colour: String
    /// `stroke-dasharray` value; empty for a solid line.
    var dash: String
}
