/// The counters of an h2load run, parsed from its text output:
///
/// ```
/// requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout
/// status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx
/// ```
struct H2LoadSummary: Equatable {
    /// `requests:` line, keyed by the word after each number (`total`, `done`, `succeeded`, …).
    var requests: [String: Int]
    /// `status codes:` line, keyed by class (`2xx`, `4xx`, …).
    var statusCodes: [String: Int]

    /// Parses h2load's output; nil when either line is missing or malformed.
    init?(output: String) {
        var requests: [String: Int]?
        var statusCodes: [String: Int]?
        for line in output.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.hasPrefix("requests:") {
                requests = Self.counts(trimmed.dropFirst("requests:".count))
            } else if trimmed.hasPrefix("status codes:") {
                statusCodes = Self.counts(trimmed.dropFirst("status codes:".count))
            }
        }
        guard let requests, let statusCodes else { return nil }
        self.requests = requests
        self.statusCodes = statusCodes
    }

    /// `" 12 total, 3 done"` → `["total": 12, "done": 3]`; nil if any item is not `<int> <word>`.
    private static func counts(_ text: Substring) -> [String: Int]? {
        var result: [String: Int] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: " ")
            guard parts.count == 2, let n = Int(parts[0]) else { return nil }
            result[String(parts[1])] = n
        }
        return result.isEmpty ? nil : result
    }
}
