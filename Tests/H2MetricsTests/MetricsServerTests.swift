import Glibc
import H2Loop
import H2Metrics
import Synchronization
import Testing

/// The `/metrics` endpoint over loopback: 200 with the exposition, 404 elsewhere, a request head
/// that never ends is cut at the bound, a silent connection is closed, a taken port is a user error.
@Suite(.serialized)
struct MetricsServerTests {
    /// A blocking loopback client with a receive timeout (bounded in time).
    struct Client {
        let fd: Int32

        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(rc == 0, "connect to 127.0.0.1:\(port) failed: errno \(errno)")
        }

        /// Sends all of `bytes`; false when the peer closed first.
        @discardableResult
        func send(_ bytes: [UInt8]) -> Bool {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return false }
                sent += n
            }
            return true
        }

        /// Everything until the server closes (or the 5 s timeout: `closed` false).
        func readAll() -> (text: String, closed: Bool) {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 { out += buffer[..<n]; continue }
                return (String(decoding: out, as: UTF8.self), n == 0 || errno == ECONNRESET)
            }
        }

        func close() { _ = Glibc.close(fd) }
    }

    /// How many times a server rendered its exposition.
    final class ScrapeCount: Sendable {
        let value = Atomic<Int>(0)
        var count: Int { value.load(ordering: .relaxed) }
    }

    static func start(lifetime: UInt64 = 10_000_000_000) throws -> (MetricsServer, ScrapeCount) {
        let scrapes = ScrapeCount()
        let server = try MetricsServer.start(try MetricsAddress(parsing: "127.0.0.1:0"), connectionLifetime: lifetime) {
            Array("scrape \(scrapes.value.add(1, ordering: .relaxed).newValue)\n".utf8)
        }
        return (server, scrapes)
    }

    @Test("GET /metrics answers the exposition; other paths 404 without rendering it")
    func getAndNotFound() throws {
        let (server, scrapes) = try Self.start()
        defer { server.stop() }
        #expect(server.port != 0)
        #expect(server.url == "http://127.0.0.1:\(server.port)/metrics")
        for expected in 1...2 {
            let client = try Client(port: server.port)
            defer { client.close() }
            client.send(Array("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            let (text, closed) = client.readAll()
            #expect(closed)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n") && text.hasSuffix("\r\n\r\nscrape \(expected)\n"), "\(text)")
        }
        let client = try Client(port: server.port)
        defer { client.close() }
        client.send(Array("GET /other HTTP/1.1\r\n\r\n".utf8))
        let (text, _) = client.readAll()
        #expect(text.hasPrefix("HTTP/1.1 404 Not Found\r\n"), "\(text)")
        #expect(scrapes.count == 2)
    }

    @Test("a request head that never ends gets 431 and the connection closes, bounded")
    func endlessHead() throws {
        let (server, scrapes) = try Self.start()
        defer { server.stop() }
        let client = try Client(port: server.port)
        defer { client.close() }
        var chunk = Array("GET /metrics HTTP/1.1\r\n".utf8)
        chunk += [UInt8](repeating: UInt8(ascii: "a"), count: 1024)
        var sent = 0
        // Far more than the bound; the server answers and closes once it has read the bound.
        for _ in 0..<64 where client.send(chunk) { sent += chunk.count }
        let (text, closed) = client.readAll()
        #expect(closed)
        #expect(text.hasPrefix("HTTP/1.1 431 "), "\(text.prefix(200)) after \(sent) bytes")
        #expect(scrapes.count == 0)
    }

    @Test("a connection that sends nothing is closed after its lifetime")
    func silentConnection() throws {
        let (server, _) = try Self.start(lifetime: 200_000_000)
        defer { server.stop() }
        let client = try Client(port: server.port)
        defer { client.close() }
        let start = MonotonicClock.now()
        let (text, closed) = client.readAll()
        let waited = Double(MonotonicClock.now() - start) / 1e9
        #expect(closed && text.isEmpty)
        #expect(waited >= 0.15 && waited < 4, "closed after \(waited) s")
    }

    @Test("an exposition larger than the socket buffers arrives whole (partial writes resume)")
    func largeExposition() throws {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        let server = try MetricsServer.start(try MetricsAddress(parsing: "127.0.0.1:0")) { body }
        defer { server.stop() }
        let client = try Client(port: server.port)
        defer { client.close() }
        client.send(Array("GET /metrics HTTP/1.1\r\n\r\n".utf8))
        let (text, closed) = client.readAll()
        #expect(closed)
        let head = try #require(text.range(of: "\r\n\r\n"))
        #expect(text[..<head.lowerBound].contains("Content-Length: \(body.count)"))
        #expect(text.utf8.count - text.utf8.distance(from: text.startIndex, to: head.upperBound) == body.count)
    }

    @Test("a taken port is a MetricsError naming the flag")
    func portTaken() throws {
        let (server, _) = try Self.start()
        defer { server.stop() }
        #expect {
            _ = try MetricsServer.start(try MetricsAddress(parsing: "127.0.0.1:\(server.port)")) { [] }
        } throws: { error in
            "\(error)".contains("`--metrics 127.0.0.1:\(server.port)`: cannot listen there")
        }
        #expect(throws: MetricsError.self) {
            _ = try MetricsServer.start(try MetricsAddress(parsing: "no-such-host.invalid:0")) { [] }
        }
    }
}
