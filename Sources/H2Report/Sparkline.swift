/// A one-line text chart of a series (`▁▂▃▄▅▆▇█`), scaled from 0 to the series' maximum.
///
/// Long series are folded so the line stays at most ``maxWidth`` characters: each character then stands
/// for `secondsPerCharacter` consecutive values, combined by the caller's `fold` (mean for rates, max
/// for latencies). Missing values (`nil`) print as `·`.
struct Sparkline {
    /// Longest line drawn.
    static let maxWidth = 60
    private static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The drawn line.
    let text: String
    /// Values per character (1 unless the series was longer than ``maxWidth``).
    let valuesPerCharacter: Int

    init(_ values: [Double?], fold: ([Double]) -> Double) {
        let step = Swift.max(1, (values.count + Self.maxWidth - 1) / Self.maxWidth)
        var folded: [Double?] = []
        var start = 0
        while start < values.count {
            let group = values[start..<Swift.min(start + step, values.count)].compactMap { $0 }
            folded.append(group.isEmpty ? nil : fold(group))
            start += step
        }
        let top = folded.compactMap { $0 }.max() ?? 0
        text = String(folded.map { value -> Character in
            guard let value else { return "·" }
            guard top > 0, value > 0 else { return Self.levels[0] }
            let level = Int((value / top * Double(Self.levels.count - 1)).rounded())
            return Self.levels[Swift.min(Swift.max(level, 0), Self.levels.count - 1)]
        })
        valuesPerCharacter = step
    }
}
