/// Locale-independent number formatting for reports: thousands separators, fixed decimals.
enum NumberText {
    /// `12345` → `12,345`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "-" : "") + group(digits)
    }

    /// `1234.56` with 1 decimal → `1,234.6`; non-finite values print as `–`.
    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return dash }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value.magnitude * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let units = UInt64(scaled)
        let whole = units / UInt64(scale)
        let fraction = units % UInt64(scale)
        var text = group(String(whole))
        if decimals > 0 {
            let fractionDigits = String(fraction)
            text += "." + String(repeating: "0", count: decimals - fractionDigits.count) + fractionDigits
        }
        return (value < 0 && units > 0 ? "-" : "") + text
    }

    /// The placeholder shown where there is no value (an empty histogram): an en dash.
    static let dash = "–"

    private static func group(_ digits: String) -> String {
        var out = ""
        for (offset, character) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return out
    }
}
