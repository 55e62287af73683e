/// The endpoint's answer to a ``MetricsRequest``: an HTTP/1.1 response that closes the connection.
///
/// `GET`/`HEAD /metrics` (any query) → 200 with the text exposition (`text/plain; version=0.0.4`);
/// another path → 404; another method → 405; a malformed head → 400; a head over
/// ``MetricsRequest/maxHeadBytes`` → 431.
public enum MetricsResponse {
    /// The content type of the Prometheus text exposition format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// The path the exposition is served on.
    public static let path = "/metrics"

    /// The response bytes for `request`; `exposition` is called only for a 200.
    public static func bytes(for request: MetricsRequest, exposition: () -> [UInt8]) -> [UInt8] {
        switch request {
        case .incomplete:
            preconditionFailure("BUG DETECTED: a response for an incomplete request")
        case .tooLarge:
            return make(431, "Request Header Fields Too Large", body: "request head over \(MetricsRequest.maxHeadBytes) bytes\n")
        case .malformed:
            return make(400, "Bad Request", body: "not an HTTP/1.x request\n")
        case .request(let method, let target):
            let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
            guard path == Self.path else {
                return make(404, "Not Found", body: "not found; metrics are at \(Self.path)\n", head: method == "HEAD")
            }
            guard method == "GET" || method == "HEAD" else {
                return make(405, "Method Not Allowed", body: "use GET\n", extra: "Allow: GET, HEAD\r\n")
            }
            return make(200, "OK", body: exposition(), contentType: contentType, head: method == "HEAD")
        }
    }

    private static func make(_ status: Int, _ reason: String, body: String, extra: String = "", head: Bool = false) -> [UInt8] {
        make(status, reason, body: Array(body.utf8), contentType: "text/plain; charset=utf-8", extra: extra, head: head)
    }

    private static func make(_ status: Int, _ reason: String, body: [UInt8], contentType: String, extra: String = "", head: Bool = false) -> [UInt8] {
        var out = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n\(extra)Connection: close\r\n\r\n".utf8)
        if !head { out += body }
        return out
    }
}
