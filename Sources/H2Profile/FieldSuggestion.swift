/// "Did you mean" for misspelt field names and units.
///
/// Matches ignoring case, `_` and `-` first (`stream_window` → `streamWindow`), then
/// by Levenshtein distance, accepting at most one edit per three characters (at least one,
/// at most three).
enum FieldSuggestion {
    /// The candidate closest to `word`, or `nil` when none is close enough.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let normalized = normalize(word)
        if let same = candidates.first(where: { normalize($0) == normalized }) { return same }
        let limit = max(1, min(3, word.count / 3))
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let d = distance(Array(word.lowercased()), Array(candidate.lowercased()))
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Levenshtein edit distance (insert, delete, substitute each cost 1).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    private static func normalize(_ s: String) -> String {
        String(s.lowercased().filter { $0 != "_" && $0 != "-" })
    }
}
