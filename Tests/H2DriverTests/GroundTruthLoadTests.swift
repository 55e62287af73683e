import Foundation
import H2Loop
import H2Target
import H2Wire
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// Ground truth over whole runs: byte accounting against the server over 10,000 streams (the
/// open loop's rate and late starts: ``GroundTruthOpenLoopTimingTests``).
@Suite(.serialized)
struct GroundTruthLoadTests {
    typealias Rig = GroundTruthRig

    // MARK: Byte accounting

    @Test func driverBytesEqualServerBytesOverTenThousandStreams() throws {
        let plans = [
            PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 64), responseSize: ByteCount(bytes: 300))),
                             stamped: true),
            PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: 4, size: ByteCount(bytes: 200),
                                                                     bursts: [Burst(at: 2, size: .kibibytes(20))])),
                             stamped: true),
            PlanBuilder.plan(for: .httpGet(HTTPGetSpec(size: ByteCount(bytes: 1_000))), stamped: false),
        ]
        let total = 10_000
        let options = Driver.Options(
            threads: 2, connections: 4, streamsPerConnection: 32, plans: plans, weights: [2, 1, 1],
            settings: Rig.clientSettings(streamWindow: 65_535, connectionWindow: 1 << 20), warmupNanoseconds: 0,
            durationNanoseconds: 60 * Rig.seconds, totalStreams: total, seed: 11)
        let server = try Rig.startServer()
        let (result, stats) = Rig.run(options, server: server)
        let m = result.measurements
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(2))")
        #expect(m.streamsStarted == total)
        #expect(m.outcomes.complete == total, "\(m.outcomes) \(m.failures.prefix(2))")
        #expect(m.outcomes.total == total)
        #expect(stats.streamsFinished == total)
        // The same DATA payload bytes on both sides, exactly.
        #expect(m.bytesReceived == stats.dataBytesSent)
        #expect(m.messagesReceived == stats.messagesQueued)
        // And they are whole responses: at least 10,000 of the smallest, at most of the largest.
        let sizes = plans.map(\.expectedBytes)
        #expect(m.bytesReceived >= total * sizes.min()! && m.bytesReceived <= total * sizes.max()!)
        print("ground truth: byte accounting \(total) streams, \(m.bytesReceived) bytes on both sides")
    }
}
