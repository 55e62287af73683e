import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// The seed scenario (200 streams on one connection, 100 × 100 B at 10 ms with message 47 of
/// 64 KiB, every consumer waiting 100 ms before each message, a 3 s deadline) and what grpc-go's
/// own client sees there: 64 KiB windows → every stream DEADLINE_EXCEEDED after exactly 47
/// messages; 1 MiB windows → every stream completes. The split holds only when connection
/// credit follows receipt and stream credit follows the consumer, as in grpc-go's transport.
@Suite(.serialized, .tags(.timing))
struct GroundTruthConnectionCreditTimingTests {
    typealias Rig = GroundTruthRig

    static let streams = 200
    static let consumerDelay: UInt64 = 100 * GroundTruthRig.ms
    static let deadline: UInt64 = 3 * GroundTruthRig.seconds
    static let spec = ServerStreamSpec(messages: 100, size: ByteCount(bytes: 100), interval: .milliseconds(10),
                                       bursts: [Burst(at: 47, size: .kibibytes(64))])

    /// One connection, `streams` concurrent seed streams, windows `window` for stream and
    /// connection alike, on-consume stream credit with the given connection policy.
    func seedRun(window: Int, connectionPolicy: WindowUpdatePolicy) throws -> (CellMeasurements, ServerStats, UInt64) {
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.spec), stamped: true)
        var options = Rig.options(plan, streams: Self.streams, total: Self.streams, streamWindow: window)
        options.settings.connectionWindowSize = window
        options.windowUpdate = .onConsume
        options.connectionWindowUpdate = connectionPolicy
        options.consumers = [ConsumerSpec(share: 1, delay: .fixed(TimeSpan(nanoseconds: Self.consumerDelay)))]
        options.deadline = Self.deadline
        let server = try Rig.startServer()
        let started = MonotonicClock.now()
        let (result, stats) = Rig.run(options, server: server)
        let elapsed = MonotonicClock.now() - started
        let m = result.measurements
        print("ground truth: seed window=\(window) connection credit \(connectionPolicy.rawValue): \(m.outcomes),"
              + " arrived \(Set(m.failures.map(\.messagesReceived)).sorted()), taken \(Set(m.failures.compactMap(\.messagesTaken)).sorted()),"
              + " transport p50 \(Rig.millis(m.streamDuration.nanoseconds(atPercentile: 50))),"
              + " consumed p50 \(Rig.millis(m.consumedDuration.nanoseconds(atPercentile: 50))),"
              + " server: \(stats.grpcTimeoutsReceived) grpc-timeout, \(stats.deadlinesExceeded) DEADLINE_EXCEEDED, \(Rig.millis(elapsed))")
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(2))")
        #expect(m.bytesReceived <= stats.dataBytesSent)
        return (m, stats, elapsed)
    }

    @Test("64 KiB windows: every stream `deadline` with exactly 47 messages arrived, about 30 taken")
    func smallWindowsEndAtTheDeadlineAfter47Messages() throws {
        let (m, stats, _) = try seedRun(window: 65_535, connectionPolicy: .onReceive)
        #expect(m.outcomes.deadline == Self.streams, "\(m.outcomes) \(m.failures.prefix(2))")
        #expect(m.failures.count == Self.streams)
        for f in m.failures {
            #expect(f.messagesReceived == 47, "stream \(f.streamID): \(f.messagesReceived) arrived")
            // Messages 0…k are taken at (k+1) × 100 ms: 30 by 3 s (29 when the timer is late).
            #expect((28...30).contains(f.messagesTaken ?? -1), "stream \(f.streamID): \(String(describing: f.messagesTaken)) taken")
        }
        // The deadline reached the server as grpc-timeout on every call.
        #expect(stats.grpcTimeoutsReceived == Self.streams)
        // The consumer goes on draining what arrived (47 messages at 100 ms each): 4.7 s.
        let consumed = m.consumedDuration.nanoseconds(atPercentile: 50)
        #expect(consumed >= 46 * Self.consumerDelay && consumed <= 50 * Self.consumerDelay, "consumed p50 \(Rig.millis(consumed))")
    }

    @Test("1 MiB windows: every stream completes; transport ≈ 1 s, consumed ≈ 10 s (100 messages at 100 ms)")
    func largeWindowsComplete() throws {
        let (m, _, elapsed) = try seedRun(window: 1 << 20, connectionPolicy: .onReceive)
        #expect(m.outcomes.complete == Self.streams, "\(m.outcomes) \(m.failures.prefix(2))")
        let transport = m.streamDuration.nanoseconds(atPercentile: 100)
        #expect(transport < Self.deadline, "transport max \(Rig.millis(transport))")
        let consumed = m.consumedDuration.nanoseconds(atPercentile: 50)
        #expect(consumed >= 99 * Self.consumerDelay && consumed <= 102 * Self.consumerDelay, "consumed p50 \(Rig.millis(consumed))")
        #expect(elapsed < Self.deadline, "the run waits for the transport, not for the simulated consumers")
    }

    @Test("connection credit on consume: 200 slow streams starve a 1 MiB connection window and end at the deadline")
    func connectionCreditOnConsumeStarvesTheConnection() throws {
        let (m, _, _) = try seedRun(window: 1 << 20, connectionPolicy: .onConsume)
        #expect(m.outcomes.deadline == Self.streams, "\(m.outcomes)")
        #expect(m.flowControl.connectionZeroWindowNanos > 0, "the connection window sat at zero")
    }
}
