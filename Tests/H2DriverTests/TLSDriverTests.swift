import Foundation
import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Driver

/// The driver over TLS against the embedded server serving TLS, with a CA and server
/// certificate generated per test: verified runs with exact bytes, every verification failure
/// as a recorded connection error (never a crash), insecure as the explicit opt-out, ALPN
/// rejection, a handshake timeout, and h2load as an independent TLS client.
@Suite("driver over TLS", .serialized,
       .disabled(if: TLSTestCertificates.openssl == nil, "openssl CLI not found (apt-get install openssl)"))
struct TLSDriverTests {
    static let seconds: UInt64 = 1_000_000_000
    static let serverStream = ServerStreamSpec(messages: 8, size: .kibibytes(4), interval: .milliseconds(0),
                                               bursts: [Burst(at: 3, size: .kibibytes(100))])
    static let httpGet = HTTPGetSpec(size: .kibibytes(64))

    static func plans() -> [StreamPlan] {
        [PlanBuilder.plan(for: .grpcServerStream(serverStream), stamped: true),
         PlanBuilder.plan(for: .httpGet(httpGet), stamped: true)]
    }

    static func startServer(_ certs: TLSTestCertificates) throws -> EmbeddedServer {
        try EmbeddedServer.start(EmbeddedServerConfig(
            threads: 1, tls: TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.privateKeyFile)))
    }

    /// Runs `total` streams (or until `seconds`) with `tls` against `server`.
    static func drive(_ server: EmbeddedServer, tls: TLSClientConfig?, total: Int, seconds: UInt64 = 60,
                      connectTimeout: UInt64 = 5 * TLSDriverTests.seconds) -> DriverResult {
        var options = Driver.Options(
            threads: 2, connections: 4, streamsPerConnection: 50, plans: plans(), weights: [1, 1],
            settings: HTTP2Settings(client: ClientSettings(streamWindow: .mebibytes(1), connectionWindow: .mebibytes(16))),
            warmupNanoseconds: 0, durationNanoseconds: seconds * Self.seconds, totalStreams: total, seed: 11)
        options.tls = tls
        options.connectTimeout = connectTimeout
        return Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl())
    }

    /// All streams complete with exactly the bytes the server sent, split into whole responses.
    static func expectAllComplete(_ result: DriverResult, _ stats: ServerStats, total: Int) {
        let m = result.measurements
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(3))")
        #expect(m.failures.isEmpty, "\(m.failures.prefix(3))")
        #expect(m.streamsStarted == total)
        #expect(m.outcomes.complete == total, "\(m.outcomes)")
        #expect(stats.streamsFinished == total)
        #expect(stats.tlsHandshakesFailed == 0)
        #expect(m.bytesReceived == stats.dataBytesSent)
        #expect(m.messagesReceived == stats.messagesQueued)
        let (ss, get) = (plans()[0], plans()[1])
        let nServer = (0...total).filter { n in n * ss.expectedBytes + (total - n) * get.expectedBytes == m.bytesReceived }
        #expect(nServer.count == 1, "bytes must add up to whole responses: \(m.bytesReceived)")
        if let n = nServer.first { #expect(n > 0 && n < total, "both kinds ran") }
    }

    @Test("caFile: 400 streams over TLS, every one complete with exact bytes")
    func verified() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let result = Self.drive(server, tls: TLSClientConfig(caFile: certs.caFile), total: 400)
        let stats = server.stop()
        Self.expectAllComplete(result, stats, total: 400)
        #expect(result.measurements.connectionsOpened == 4)
        #expect(stats.connectionsAccepted == 4)
    }

    @Test("serverName localhost (SNI + DNS SAN) verifies")
    func verifiedByName() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let result = Self.drive(server, tls: TLSClientConfig(serverName: "localhost", caFile: certs.caFile), total: 200)
        Self.expectAllComplete(result, server.stop(), total: 200)
    }

    @Test("insecure without a CA file works")
    func insecure() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let result = Self.drive(server, tls: TLSClientConfig(insecure: true), total: 200)
        Self.expectAllComplete(result, server.stop(), total: 200)
    }

    @Test("verification failures end as connection errors with the cause, 0 streams, no crash",
          arguments: [(false, "127.0.0.1", "certificate verification failed"),
                      (true, "wrong.example", "hostname mismatch")])
    func verificationFailure(withCA: Bool, serverName: String, expected: String) throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let tls = TLSClientConfig(serverName: serverName, caFile: withCA ? certs.caFile : nil)
        let result = Self.drive(server, tls: tls, total: 100, seconds: 1)
        let stats = server.stop()
        let m = result.measurements
        #expect(m.streamsStarted == 0)
        #expect(m.outcomes.total == 0)
        #expect(m.connectionsOpened == 0)
        #expect(!m.connectionErrors.isEmpty)
        #expect(m.connectionErrors.allSatisfy { $0.contains("TLS handshake with \(serverName) failed") && $0.contains(expected) },
                "\(m.connectionErrors.prefix(2))")
        #expect(stats.tlsHandshakesFailed >= 4, "the server saw the client's alerts")
        #expect(stats.streamsStarted == 0)
    }

    @Test("a TLS handshake that never completes times out as a connection error")
    func handshakeTimeout() throws {
        // A listener nobody accepts from: the kernel completes TCP, no one answers the ClientHello.
        var (silent, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        defer { silent.close() }
        var options = Driver.Options(
            threads: 1, connections: 2, streamsPerConnection: 10, plans: Self.plans(), weights: [1, 1],
            settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: Self.seconds, totalStreams: 10, seed: 1)
        options.tls = TLSClientConfig(insecure: true)
        options.connectTimeout = 200_000_000
        let started = MonotonicClock.now()
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: port), control: RunControl())
        #expect(MonotonicClock.now() - started < 5 * Self.seconds)
        let m = result.measurements
        #expect(m.streamsStarted == 0)
        #expect(!m.connectionErrors.isEmpty)
        #expect(m.connectionErrors.allSatisfy { $0.contains("TLS handshake did not complete within 200 ms") }, "\(m.connectionErrors.prefix(2))")
    }

    @Test("a client that does not offer h2 (openssl s_client -alpn http/1.1) is rejected; the server keeps serving")
    func alpnRejected() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let openssl = try #require(TLSTestCertificates.openssl)
        let alpn = try Subprocess.runBlocking(
            openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-alpn", "http/1.1", "-CAfile", certs.caFile, "-brief"],
            timeout: 20, directory: certs.directory.path)
        #expect(alpn.status != 0 && !alpn.timedOut, "s_client should fail: \(alpn)")
        #expect(alpn.output.contains("no application protocol"), "\(alpn)")
        // Not offering ALPN at all is rejected too.
        let noALPN = try Subprocess.runBlocking(
            openssl, ["s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", certs.caFile, "-brief"],
            timeout: 20, directory: certs.directory.path)
        #expect(!noALPN.timedOut, "\(noALPN)")
        let result = Self.drive(server, tls: TLSClientConfig(caFile: certs.caFile), total: 200)
        let stats = server.stop()
        #expect(stats.tlsHandshakesFailed == 2, "s_client output: \(noALPN)")
        #expect(result.measurements.outcomes.complete == 200)
        #expect(result.measurements.connectionErrors.isEmpty)
    }

    @Test("h2load over TLS: 200 × GET /bytes/65536, every byte")
    func h2load() throws {
        let h2load = ["/usr/bin/h2load", "/usr/local/bin/h2load"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let isCI = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty
        guard let h2load else {
            if isCI { Issue.record("CI is set but h2load is missing: scripts/setup.sh installs nghttp2-client") }
            return
        }
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try Self.startServer(certs)
        let load = try Subprocess.runBlocking(
            h2load, ["https://127.0.0.1:\(server.port)/bytes/65536", "-n", "200", "-c", "2", "-m", "10", "-t", "1"],
            timeout: 60, directory: certs.directory.path)
        let stats = server.stop()
        #expect(load.status == 0 && !load.timedOut, "\(load)")
        #expect(load.output.contains("200 succeeded"), "\(load)")
        #expect(load.output.contains("Application protocol: h2"), "\(load)")
        #expect(stats.streamsFinished == 200)
        #expect(stats.dataBytesSent == 200 * 65536)
        #expect(stats.tlsHandshakesFailed == 0)
    }

    @Test("https:// targets: serverName from the URL, insecure shown, bad CA file refused up front")
    func externalTargetTLS() throws {
        let t = try ExternalTargetLauncher(url: "https://localhost:8443")
        #expect(t.address == TargetAddress(host: "127.0.0.1", port: 8443, name: "localhost"))
        #expect(t.tls == TLSClientConfig(serverName: "localhost"))
        let insecure = try ExternalTargetLauncher(url: "https://127.0.0.1:8443", tls: TLSClientConfig(insecure: true))
        #expect(insecure.tls?.summary == "TLS, certificate NOT verified (insecure)")
        #expect(try ExternalTargetLauncher(url: "h2c://127.0.0.1:80").tls == nil)
        #expect(throws: TargetError.self) { try ExternalTargetLauncher(url: "https://127.0.0.1:8443", tls: TLSClientConfig(caFile: "/nonexistent.pem")) }
        #expect(throws: TargetError.self) { try ExternalTargetLauncher(url: "h2c://127.0.0.1:80", tls: TLSClientConfig(insecure: true)) }
    }
}
