import Foundation

/// The figures `h2load` (nghttp2 1.52) prints at the end of a timing-based run (`-D`), parsed
/// from its text output:
///
/// ```
/// finished in 4.01s, 17796.33 req/s, 1.09GB/s
/// requests: 53389 total, 53389 started, 53389 done, 53389 succeeded, 0 failed, 0 errored, 0 timeout
/// traffic: 3.27GB (3513898865) total, 569.51KB (583181) headers (space savings 86.15%), 3.94GB (4235889376) data
/// status codes: 53389 2xx, 0 3xx, 0 4xx, 0 5xx
/// ```
///
/// Used by `h2stress bench` and by the h2load interop tests.
/// With `--warm-up-time`, `requests`, `req/s` and traffic `total` cover the main duration only
/// (req/s = done / `-D`), while `data` counts DATA payload over the whole run, warm-up included.
public struct H2LoadSummary: Sendable, Codable, Equatable {
    /// Requests per second over the main duration, as h2load prints it.
    public var requestsPerSecond: Double
    /// Requests done (completed) during the main duration.
    public var requestsDone: Int
    /// Requests that succeeded (2xx) during the main duration.
    public var requestsSucceeded: Int
    /// Requests that failed or errored.
    public var requestsFailed: Int
    /// Bytes read from the sockets during the main duration (frame headers, HEADERS and DATA).
    public var trafficTotalBytes: Int
    /// HEADERS payload bytes (compressed) during the main duration.
    public var trafficHeaderBytes: Int
    /// DATA payload bytes over the whole run (warm-up included).
    public var dataBytesWholeRun: Int
    /// The `requests:` line, keyed by the word after each number (`total`, `done`, `succeeded`, …).
    public var requests: [String: Int]
    /// The `status codes:` line, keyed by class (`2xx`, `4xx`, …).
    public var statusCodes: [String: Int]

    /// Parses h2load's output; nil when the summary lines are missing (h2load failed).
    public init?(output: String) {
        var requestCounts: [String: Int]?
        var statusCounts: [String: Int]?
        var rps: Double?
        var done: Int?, succeeded: Int?, failed = 0
        var total: Int?, headers: Int?, data: Int?
        for raw in output.split(separator: "\n") {
            let line = raw.trimmingPrefixSpaces()
            if line.hasPrefix("finished in ") {
                // finished in 4.01s, 17796.33 req/s, 1.09GB/s
                let parts = line.split(separator: ",")
                if parts.count >= 2 {
                    rps = Double(parts[1].trimmingPrefixSpaces().split(separator: " ").first ?? "")
                }
            } else if line.hasPrefix("status codes:") {
                statusCounts = Self.counts(line.dropFirst("status codes:".count))
            } else if line.hasPrefix("requests:") {
                requestCounts = Self.counts(line.dropFirst("requests:".count))
                done = Self.count(before: " done", in: line)
                succeeded = Self.count(before: " succeeded", in: line)
                failed = (Self.count(before: " failed", in: line) ?? 0) + (Self.count(before: " errored", in: line) ?? 0)
            } else if line.hasPrefix("traffic:") {
                let numbers = Self.parenthesized(line)
                if numbers.count >= 3 {
                    total = numbers[0]
                    headers = numbers[1]
                    data = numbers[2]
                }
            }
        }
        guard let rps, let done, let succeeded, let total, let headers, let data,
              let requestCounts, let statusCounts else { return nil }
        requests = requestCounts
        statusCodes = statusCounts
        requestsPerSecond = rps
        requestsDone = done
        requestsSucceeded = succeeded
        requestsFailed = failed
        trafficTotalBytes = total
        trafficHeaderBytes = headers
        dataBytesWholeRun = data
    }

    /// DATA payload bytes received during the main duration: traffic total minus HEADERS bytes,
    /// minus the 9-byte header of each DATA frame (frames assumed full at `maxFrameSize`; the
    /// error is below 0.01 % of the total for bodies of 64 KiB and more).
    public func bodyBytesMainDuration(maxFrameSize: Int) -> Int {
        let payloadAndFrameHeaders = Double(trafficTotalBytes - trafficHeaderBytes)
        return Int(payloadAndFrameHeaders * Double(maxFrameSize) / Double(maxFrameSize + 9))
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

    /// The integer just before `suffix` in `line` ("53389 done" → 53389).
    private static func count(before suffix: String, in line: Substring) -> Int? {
        guard let range = line.range(of: suffix) else { return nil }
        let head = line[..<range.lowerBound]
        let digits = head.reversed().prefix { $0.isNumber }
        return Int(String(digits.reversed()))
    }

    /// Every integer written in parentheses, in order ("3.27GB (3513898865) total" → 3513898865).
    private static func parenthesized(_ line: Substring) -> [Int] {
        var result: [Int] = []
        var rest = line[...]
        while let open = rest.firstIndex(of: "("), let close = rest[open...].firstIndex(of: ")") {
            if let n = Int(rest[rest.index(after: open)..<close]) { result.append(n) }
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}

extension Substring {
    fileprivate func trimmingPrefixSpaces() -> Substring { drop { $0 == " " } }
}
