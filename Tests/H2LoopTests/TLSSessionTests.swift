import Foundation
import H2TestSupport
import Testing
@testable import H2Loop

/// One end of a loopback TLS connection driven by an ``EventLoop``: handshakes, sends
/// `outgoing`, collects what it receives until it has `expected` bytes.
private final class TLSEndpoint: EventHandler {
    var socket: TCPSocket
    let tls: TLSSession
    var registration: Registration?
    let outgoing: [UInt8]
    var sent = 0
    var received: [UInt8] = []
    let expected: Int
    var failure: TLSError?
    var finished = false
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 7000, alignment: 16)   // odd size: many partial decrypts
    let onFinish: () -> Void

    init(socket: TCPSocket, tls: TLSSession, outgoing: [UInt8], expected: Int, onFinish: @escaping () -> Void) {
        self.socket = socket
        self.tls = tls
        self.outgoing = outgoing
        self.expected = expected
        self.onFinish = onFinish
    }

    deinit { buffer.deallocate(); socket.close() }

    func finish(_ error: TLSError?) {
        guard !finished else { return }
        finished = true
        failure = error
        onFinish()
    }

    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        guard !finished, let reg = registration else { return }
        if !tls.isEstablished {
            let err = socket.pendingError()
            guard err == 0 else { finish(TLSError("connect: errno \(err)")); return }
            do {
                switch try tls.pumpHandshake(socket: socket) {
                case .complete: break
                case .waiting(let w):
                    loop.setInterest(reg, w ? [.readable, .writable] : .readable)
                    return
                }
            } catch {
                finish(error)
                return
            }
        }
        do {
            var rx: UInt64 = 0
            receiving: while true {
                let r = try tls.receive(from: socket, control: nil, rxTimestamp: &rx)
                decrypting: while true {
                    switch try tls.decrypt(into: buffer) {
                    case .bytes(let n): received.append(contentsOf: buffer[0..<n])
                    case .needsInput: break decrypting
                    case .closed: finish(TLSError("closed early")); return
                    }
                }
                switch r {
                case .bytes: continue receiving
                case .wouldBlock: break receiving
                case .endOfFile: if received.count < expected { finish(TLSError("EOF early")); return } else { break receiving }
                }
            }
            var blocked = false
            while sent < outgoing.count && !blocked {
                let n = try outgoing[sent...].withUnsafeBytes { try tls.encrypt($0) }
                sent += n
                if n == 0 { blocked = !(try tls.send(to: socket)) }
            }
            if !blocked { blocked = !(try tls.send(to: socket)) }
            loop.setInterest(reg, blocked || sent < outgoing.count ? [.readable, .writable] : .readable)
        } catch {
            finish(TLSError("\(error)"))
            return
        }
        if received.count >= expected && sent == outgoing.count && !tls.hasPendingOutput { finish(nil) }
    }
}

/// Accepts one connection and hands it to `make`.
private final class OneShotListener: EventHandler {
    var socket: TCPSocket
    let make: (TCPSocket, EventLoop) -> Void
    var accepted = false
    init(socket: TCPSocket, make: @escaping (TCPSocket, EventLoop) -> Void) { self.socket = socket; self.make = make }
    func handleEvents(_ events: IOEvents, loop: EventLoop) {
        guard !accepted, let s = try? socket.accept() else { return }
        accepted = true
        make(s, loop)
    }
}

/// Two TLS sessions talking over loopback TCP through one event loop (bounded to 15 s).
private struct TLSPairRun {
    var client: TLSEndpoint?
    var server: TLSEndpoint?
    var timedOut = false
}

private func runPair(server serverContext: TLSContext, client clientContext: TLSContext, serverName: String?,
                     clientSends: Int, serverSends: Int) throws -> TLSPairRun {
    let loop = try EventLoop()
    var (listenSocket, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
    defer { listenSocket.close() }
    var pending = 2
    let onFinish = { pending -= 1; if pending == 0 { loop.stop() } }
    let clientBytes = (0..<clientSends).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    let serverBytes = (0..<serverSends).map { UInt8(truncatingIfNeeded: $0 &* 17 &+ 3) }
    var run = TLSPairRun()
    let listener = OneShotListener(socket: listenSocket) { sock, loop in
        let tls = try! TLSSession(context: serverContext, serverName: nil)
        let endpoint = TLSEndpoint(socket: sock, tls: tls, outgoing: serverBytes, expected: clientSends, onFinish: onFinish)
        endpoint.registration = try! loop.register(fd: sock.fd, interest: .readable, handler: endpoint)
        run.server = endpoint
    }
    _ = try loop.register(fd: listenSocket.fd, interest: .readable, handler: listener)
    let clientSocket = try TCPSocket.connect(host: "127.0.0.1", port: port, rxTimestamps: false)
    let client = TLSEndpoint(socket: clientSocket, tls: try TLSSession(context: clientContext, serverName: serverName),
                             outgoing: clientBytes, expected: serverSends, onFinish: onFinish)
    client.registration = try loop.register(fd: clientSocket.fd, interest: [.readable, .writable], handler: client)
    run.client = client
    let deadline = MonotonicClock.now() + 15_000_000_000
    loop.run(until: deadline)
    run.timedOut = pending > 0
    loop.releaseAll()
    if let c = run.client { #expect(c.received == serverBytes || c.failure != nil) }
    if let s = run.server { #expect(s.received == clientBytes || s.failure != nil) }
    return run
}

@Suite("TLSSession over loopback", .serialized,
       .disabled(if: TLSTestCertificates.openssl == nil, "openssl CLI not found (apt-get install openssl)"))
struct TLSSessionTests {
    @Test("verified handshake by IP, ALPN h2, 1 MiB each way with exact bytes")
    func verifiedTransfer() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.privateKeyFile))
        let client = try TLSContext.client(TLSClientConfig(caFile: certs.caFile))
        let run = try runPair(server: server, client: client, serverName: "127.0.0.1", clientSends: 1 << 20, serverSends: (1 << 20) + 13)
        #expect(!run.timedOut)
        let c = try #require(run.client), s = try #require(run.server)
        #expect(c.failure == nil && s.failure == nil, "client: \(String(describing: c.failure)), server: \(String(describing: s.failure))")
        #expect(c.received.count == (1 << 20) + 13)
        #expect(s.received.count == 1 << 20)
        #expect(c.tls.negotiatedProtocol == "h2")
        #expect(s.tls.negotiatedProtocol == "h2")
        #expect(c.tls.protocolVersion == "TLSv1.3")
    }

    @Test("DNS name localhost verifies (SNI sent)")
    func dnsName() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.privateKeyFile))
        let client = try TLSContext.client(TLSClientConfig(serverName: "localhost", caFile: certs.caFile))
        let run = try runPair(server: server, client: client, serverName: "localhost", clientSends: 100, serverSends: 100)
        #expect(run.client?.failure == nil && run.server?.failure == nil)
        #expect(!run.timedOut)
    }

    @Test("failures: unknown CA, wrong name, wrong CA file — the client names the cause, the server sees the alert",
          arguments: [("none", "127.0.0.1", "certificate verification failed"),
                      ("ca", "wrong.example", "hostname mismatch"),
                      ("ca", "10.9.8.7", "IP address mismatch"),
                      ("other", "127.0.0.1", "certificate verification failed")])
    func verificationFailures(ca: String, serverName: String, expected: String) throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.privateKeyFile))
        let caFile: String? = ca == "none" ? nil : (ca == "ca" ? certs.caFile : certs.otherCAFile)
        let client = try TLSContext.client(TLSClientConfig(caFile: caFile))
        let run = try runPair(server: server, client: client, serverName: serverName, clientSends: 100, serverSends: 100)
        #expect(!run.timedOut)
        let failure = try #require(run.client?.failure)
        #expect(failure.message.contains(expected), "\(failure)")
        #expect(run.server?.failure != nil, "the server should see the client's alert")
    }

    @Test("insecure: no CA, wrong name, still connects")
    func insecure() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        let server = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.privateKeyFile))
        let client = try TLSContext.client(TLSClientConfig(serverName: "wrong.example", insecure: true))
        let run = try runPair(server: server, client: client, serverName: "wrong.example", clientSends: 5000, serverSends: 70000)
        #expect(run.client?.failure == nil && run.server?.failure == nil)
        #expect(!run.timedOut)
        #expect(TLSClientConfig(insecure: true).summary.contains("NOT verified"))
    }

    @Test("unreadable files are reported by name")
    func badFiles() throws {
        let certs = try TLSTestCertificates.generate()
        defer { certs.remove() }
        #expect(throws: TLSError.self) { try TLSContext.client(TLSClientConfig(caFile: "/nonexistent/ca.pem")) }
        do {
            _ = try TLSContext.client(TLSClientConfig(caFile: "/nonexistent/ca.pem"))
        } catch {
            #expect(error.message.contains("/nonexistent/ca.pem"))
        }
        do {
            _ = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile, privateKeyFile: certs.caFile))
            Issue.record("a certificate as key file must not load")
        } catch {
            #expect(error.message.contains("private key"), "\(error)")
        }
        // A key that does not belong to the certificate.
        do {
            _ = try TLSContext.server(TLSServerConfig(certificateFile: certs.certificateFile,
                                                      privateKeyFile: certs.directory.appendingPathComponent("ca.key").path))
            Issue.record("a mismatched key must not load")
        } catch {
            #expect(error.message.contains("private key") || error.message.contains("match"), "\(error)")
        }
    }
}
