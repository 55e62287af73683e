/// Text and number formatting for the markup `report.html` is made of (HTML and inline SVG).
///
/// Everything it produces is valid both as HTML5 and as XML, so every `<svg>` block of the report can be
/// parsed with an XML parser: only the five predefined XML entities are used, never HTML-only ones.
enum SVGMarkup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities; safe in element content and in
    /// double- or single-quoted attribute values. Control characters other than tab and newline (not allowed
    /// in XML 1.0) become spaces.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += " "
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A coordinate with at most one decimal, no exponent, no `-0`: `12.34` → `12.3`, `5.0` → `5`.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = (value * 10).rounded()
        if tenths == 0 { return "0" }
        let whole = Int(tenths / 10)
        let fraction = Int(abs(tenths.truncatingRemainder(dividingBy: 10)))
        let sign = tenths < 0 && whole == 0 ? "-" : ""
        return fraction == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// A duration given in µs with a unit chosen for legibility: `850 µs`, `1.5 ms`, `2 s`.
    static func duration(micros: Double) -> String {
        guard micros.isFinite else { return NumberText.dash }
        let magnitude = abs(micros)
        if magnitude >= 1_000_000 { return compact(micros / 1_000_000) + " s" }
        if magnitude >= 1_000 { return compact(micros / 1_000) + " ms" }
        return compact(micros) + " µs"
    }

    /// A number with at most 3 significant digits and no trailing zeros: `0.25`, `12.5`, `1,250`.
    static func compact(_ value: Double) -> String {
        guard value.isFinite else { return NumberText.dash }
        let magnitude = abs(value)
        let decimals: Int
        if magnitude == 0 || magnitude >= 100 {
            decimals = 0
        } else if magnitude >= 10 {
            decimals = 1
        } else if magnitude >= 1 {
            decimals = 2
        } else if magnitude >= 0.1 {
            decimals = 3
        } else {
            decimals = 4
        }
        var text = NumberText.fixed(value, decimals: decimals)
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text
    }
}
