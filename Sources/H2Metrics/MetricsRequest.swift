/// What the metrics endpoint makes of the bytes a client has sent so far: the HTTP/1.1 request
/// head parsed without sockets, bounded in size.
///
/// Only the request line matters (`GET /metrics HTTP/1.1`); header fields are skipped and a body
/// is never read: every response ends the connection.
public enum MetricsRequest: Equatable, Sendable {
    /// The head has not ended yet (no empty line) and is within ``maxHeadBytes``: read more.
    case incomplete
    /// A complete head with its method and request target (`/metrics`, `/metrics?x=1`, …).
    case request(method: String, target: String)
    /// The head is not HTTP/1.x.
    case malformed
    /// No end of head within ``maxHeadBytes``: a client that would only grow the buffer.
    case tooLarge

    /// The most the endpoint reads of one request head (a scraper sends a few hundred bytes).
    public static let maxHeadBytes = 8192

    /// Classifies the bytes received so far on a connection.
    public static func parse(_ bytes: [UInt8]) -> MetricsRequest {
        guard let end = headEnd(bytes) else {
            return bytes.count >= maxHeadBytes ? .tooLarge : .incomplete
        }
        guard end <= maxHeadBytes else { return .tooLarge }
        let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\r")) ?? bytes.firstIndex(of: UInt8(ascii: "\n")) ?? end
        let line = bytes[..<lineEnd]
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[2].starts(with: Array("HTTP/1.".utf8)),
              parts[0].allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }),
              parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .malformed }
        return .request(method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self))
    }

    /// The index just past the head's terminating empty line (`\r\n\r\n`, or a bare `\n\n`), or nil.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        while i < bytes.count {
            if bytes[i] == lf {
                if i + 1 < bytes.count, bytes[i + 1] == lf { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == cr, bytes[i + 2] == lf { return i + 3 }
            }
            i += 1
        }
        return nil
    }
}
