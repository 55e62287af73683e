import Glibc
import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Driver

/// A peer that speaks just enough HTTP/2 to let streams open (it sends an empty SETTINGS
/// frame) and then answers nothing — not even PING. Runs on its own thread, bounded by a
/// deadline, and stops when the test closes it.
private final class SilentPeer: @unchecked Sendable {
    // @unchecked Sendable: `listener` is read-only after init; the serving thread owns every
    // accepted socket; `stop` only closes the listener's stop pipe.
    let port: UInt16
    private var listener: TCPSocket
    private var thread: WorkerThread<Int>?
    private var stopPipe: [Int32] = [-1, -1]

    init() throws {
        (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        _ = pipe(&stopPipe)
        let listenFD = listener.fd
        let stopFD = stopPipe[0]
        thread = WorkerThread.spawn(name: "silent-peer") {
            var accepted: [Int32] = []
            let deadline = MonotonicClock.now() + 30_000_000_000
            var buffer = [UInt8](repeating: 0, count: 65_536)
            serve: while MonotonicClock.now() < deadline {
                var fds = [pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: stopFD, events: Int16(POLLIN), revents: 0)]
                fds += accepted.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
                guard poll(&fds, nfds_t(fds.count), 1_000) >= 0 else { break }
                if fds[1].revents != 0 { break serve }
                if fds[0].revents != 0, let sock = try? TCPSocket(fd: listenFD).accept() {
                    accepted.append(sock.fd)
                    let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]   // empty SETTINGS
                    _ = settings.withUnsafeBytes { send(sock.fd, $0.baseAddress, 9, Int32(MSG_NOSIGNAL)) }
                }
                for p in fds.dropFirst(2) where p.revents != 0 {
                    _ = buffer.withUnsafeMutableBytes { read(p.fd, $0.baseAddress, $0.count) }   // discard
                }
            }
            for fd in accepted { close(fd) }
            return accepted.count
        }
    }

    /// Stops the serving thread; returns how many connections it accepted.
    func stop() -> Int {
        var one: UInt8 = 1
        _ = write(stopPipe[1], &one, 1)
        let n = thread?.join() ?? 0
        listener.close()
        close(stopPipe[0])
        close(stopPipe[1])
        return n
    }
}

/// Keepalive PINGs on the wire: an unanswered PING closes the connection after its timeout,
/// answered PINGs keep it.
@Suite(.serialized, .tags(.timing))
struct KeepaliveTimingTests {
    @Test func anUnansweredPingClosesTheConnectionAndItsStreamsEndConnectionLost() throws {
        let peer = try SilentPeer()
        var options = Driver.Options(
            threads: 1, connections: 1, streamsPerConnection: 4,
            plans: [PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(1))), stamped: false)], weights: [1],
            settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: 1_500_000_000, seed: 7)
        options.keepalive = (interval: 200_000_000, timeout: 300_000_000)
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: peer.port), control: RunControl())
        #expect(peer.stop() >= 1)
        let m = result.measurements
        #expect(m.outcomes.connectionLost >= 4, "streams under the dead connection must end connectionLost")
        #expect(m.outcomes.complete == 0)
        let reasons = m.failures.map(\.detail)
        #expect(reasons.contains { $0.contains("keepalive PING not answered within 300 ms") }, "\(reasons.prefix(2))")
        #expect(m.connectionErrors.contains { $0.contains("keepalive") })
    }

    @Test func answeredPingsKeepTheConnection() throws {
        var settings = HTTP2Settings()
        settings.maxConcurrentStreams = 100
        let server = try H2StressTestServer.start()
        defer { _ = server.stop() }
        var options = Driver.Options(
            threads: 1, connections: 1, streamsPerConnection: 4,
            plans: [PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: .kibibytes(1))), stamped: false)], weights: [1],
            settings: HTTP2Settings(), warmupNanoseconds: 0, durationNanoseconds: 800_000_000, seed: 7)
        options.keepalive = (interval: 50_000_000, timeout: 200_000_000)
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl())
        let m = result.measurements
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors)")
        #expect(m.connectionsOpened == 1)
        #expect(m.outcomes.complete > 0)
        #expect(m.outcomes.connectionLost == 0)
    }
}

/// The embedded server with default settings, for tests that need a well-behaved peer.
enum H2StressTestServer {
    static func start() throws -> EmbeddedServer {
        try EmbeddedServer.start(EmbeddedServerConfig(host: "127.0.0.1", port: 0, threads: 1))
    }
}
