import Glibc
import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Driver

/// Keepalive PINGs on the wire: an unanswered PING closes the connection after its timeout,
/// answered PINGs keep it.
@Suite(.serialized, .tags(.timing))
struct KeepaliveTimingTests {
    @Test func anUnansweredPingClosesTheConnectionAndItsStreamsEndConnectionLost() throws {
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings)   // streams open, nothing is ever answered
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
