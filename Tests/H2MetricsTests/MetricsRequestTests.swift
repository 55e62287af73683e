import H2Metrics
import Testing

/// The endpoint's request parsing and responses, without sockets.
struct MetricsRequestTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("a scraper's GET /metrics is a complete request")
    func getMetrics() {
        let head = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\nAccept: text/plain\r\n\r\n"
        #expect(MetricsRequest.parse(Self.bytes(head)) == .request(method: "GET", target: "/metrics"))
        #expect(MetricsRequest.parse(Self.bytes(String(head.dropLast(2)))) == .incomplete)
        #expect(MetricsRequest.parse(Self.bytes("GET /metrics HTTP/1.0\n\n")) == .request(method: "GET", target: "/metrics"))
    }

    @Test("not HTTP/1.x is malformed")
    func malformed() {
        #expect(MetricsRequest.parse(Self.bytes("PRI * HTTP/2.0\r\n\r\n")) == .malformed)
        #expect(MetricsRequest.parse(Self.bytes("GET  /metrics HTTP/1.1\r\n\r\n")) == .malformed)
        #expect(MetricsRequest.parse(Self.bytes("hello\r\n\r\n")) == .malformed)
    }

    @Test("a head that never ends is cut at the bound")
    func bounded() {
        let endless = Self.bytes("GET /metrics HTTP/1.1\r\n" + String(repeating: "X-Pad: 0123456789\r\n", count: 500))
        #expect(endless.count > MetricsRequest.maxHeadBytes)
        #expect(MetricsRequest.parse(Array(endless.prefix(MetricsRequest.maxHeadBytes - 1))) == .incomplete)
        #expect(MetricsRequest.parse(Array(endless.prefix(MetricsRequest.maxHeadBytes))) == .tooLarge)
        #expect(MetricsRequest.parse(endless + Self.bytes("\r\n")) == .tooLarge)
    }

    @Test("responses: 200 exposition, 404 other paths, 405 other methods, 431 too large")
    func responses() throws {
        let body = Self.bytes("h2stress_open_streams 0\n")
        func text(_ request: MetricsRequest) -> String {
            String(decoding: MetricsResponse.bytes(for: request, exposition: { body }), as: UTF8.self)
        }
        let ok = text(.request(method: "GET", target: "/metrics?x=1"))
        #expect(ok.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(ok.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(ok.contains("Content-Length: \(body.count)\r\n"))
        #expect(ok.hasSuffix("\r\n\r\nh2stress_open_streams 0\n"))
        let head = text(.request(method: "HEAD", target: "/metrics"))
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n") && head.hasSuffix("\r\n\r\n"))
        #expect(text(.request(method: "GET", target: "/")).hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(text(.request(method: "GET", target: "/metricsx")).hasPrefix("HTTP/1.1 404 "))
        #expect(text(.request(method: "POST", target: "/metrics")).hasPrefix("HTTP/1.1 405 "))
        #expect(text(.tooLarge).hasPrefix("HTTP/1.1 431 "))
        #expect(text(.malformed).hasPrefix("HTTP/1.1 400 "))
        var called = false
        _ = MetricsResponse.bytes(for: .request(method: "GET", target: "/nope"), exposition: { called = true; return [] })
        #expect(!called, "the exposition is rendered only for /metrics")
    }

    @Test("--metrics addresses", arguments: [
        ("127.0.0.1:0", "127.0.0.1", UInt16(0)), ("0.0.0.0:9464", "0.0.0.0", 9464), ("[::1]:9464", "::1", 9464),
        ("localhost:80", "localhost", 80),
    ])
    func addresses(text: String, host: String, port: UInt16) throws {
        let address = try MetricsAddress(parsing: text)
        #expect(address.host == host && address.port == port)
        #expect(address.description == text)
    }

    @Test("bad --metrics addresses name the flag", arguments: ["9464", ":9464", "127.0.0.1:", "127.0.0.1:70000", "::1:9464", "[::1]9464", "[::1:9", "h:+1"])
    func badAddresses(text: String) {
        #expect(throws: MetricsError.self) { try MetricsAddress(parsing: text) }
        do {
            _ = try MetricsAddress(parsing: text)
        } catch {
            #expect(error.description.contains("`--metrics \(text)`"))
        }
    }
}
