import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// Ground truth for the flow-control figures: a slow consumer behind a small window makes the
/// server stall and the driver's window sit at zero; a large window makes both go away. And
/// the named policy for a message larger than the stream window under `on-consume`.
@Suite(.serialized, .tags(.timing))
struct GroundTruthFlowControlTimingTests {
    typealias Rig = GroundTruthRig

    // MARK: Slow consumer + small window

    /// 10 messages of 1 KiB, message 4 a 64 KiB burst, all sent at once; every consumer waits
    /// 10 ms before each message and returns credit only when it takes one (on-consume).
    ///
    /// With a 65,535-byte stream window the server fills the window inside the burst and
    /// stalls until the consumer reaches the burst: one initial wait plus four messages,
    /// ≈ 5 × 10 ms = 50 ms per stream (credit for the small messages, < half a window, does
    /// not trigger a WINDOW_UPDATE). With a 1 MiB window the whole response fits: no stall.
    static let burstSpec = ServerStreamSpec(messages: 10, size: .kibibytes(1), bursts: [Burst(at: 4, size: .kibibytes(64))])
    static let consumerDelay: UInt64 = 10 * GroundTruthRig.ms
    static let streams = 8

    func slowConsumerRun(streamWindow: Int) throws -> (CellMeasurements, ServerStats) {
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.burstSpec), stamped: true)
        var options = Rig.options(plan, streams: 4, total: Self.streams, streamWindow: streamWindow)
        options.windowUpdate = .onConsume
        options.pendingMessageCredit = .grant
        options.consumers = [ConsumerSpec(share: 1, delay: .fixed(TimeSpan(nanoseconds: Self.consumerDelay)))]
        let server = try Rig.startServer()
        let (result, stats) = Rig.run(options, server: server)
        let m = result.measurements
        #expect(m.outcomes.complete == Self.streams, "\(m.outcomes) \(m.failures.prefix(2)) \(m.connectionErrors.prefix(2))")
        #expect(m.slowStreams == Self.streams)
        #expect(m.bytesReceived == stats.dataBytesSent)
        // A consumer delays only while its stream is open: never more than the streams lasted.
        let lived = Double(m.streamDuration.count) * m.streamDuration.summary().mean * 1000
        #expect(Double(m.consumerDelayNanos) <= lived * 1.005, "consumer delay \(m.consumerDelayNanos) ns, streams lived \(lived) ns")
        return (m, stats)
    }

    /// Every consumer waits 1 s before its first message, but with on-receive credit the whole
    /// response arrives and the stream ends within milliseconds. The consumer was delaying for
    /// exactly each stream's life, so the cell's consumer delay equals the sum of the stream
    /// durations (to the 0.1 % of the duration histogram) — not 100 × 1 s of drawn delays.
    @Test func aConsumerDelayCountsOnlyWhileItsStreamIsOpen() throws {
        let plan = PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: 5, size: .kibibytes(1))), stamped: true)
        var options = Rig.options(plan, streams: 20, total: 100)
        options.consumers = [ConsumerSpec(share: 1, delay: .fixed(.seconds(1)))]
        let server = try Rig.startServer()
        let (result, _) = Rig.run(options, server: server)
        let m = result.measurements
        #expect(m.outcomes.complete == 100, "\(m.outcomes) \(m.failures.prefix(2))")
        #expect(m.slowStreams == 100)
        let lived = Double(m.streamDuration.count) * m.streamDuration.summary().mean * 1000
        print("ground truth: consumer delay \(Rig.millis(m.consumerDelayNanos)) for streams that lived \(Rig.millis(lived)) in total")
        #expect(abs(Double(m.consumerDelayNanos) - lived) <= 0.005 * lived, "consumer delay \(m.consumerDelayNanos) ns, streams lived \(lived) ns")
        #expect(m.consumerDelayNanos < 10 * 1_000_000_000, "far below the 100 s of delays drawn")
    }

    @Test func aSlowConsumerBehindASmallWindowStallsTheServerAndALargeWindowDoesNot() throws {
        let (small, smallServer) = try slowConsumerRun(streamWindow: 65_535)
        let (large, largeServer) = try slowConsumerRun(streamWindow: 1 << 20)
        let s = smallServer.flowControl, l = largeServer.flowControl
        let expectedPerStream = 5 * Self.consumerDelay
        print("ground truth: slow consumer window=64KiB-1 server stalls=\(s.streamStalls) (\(Rig.millis(s.streamStallNanos)),"
              + " p50 \(Rig.millis(s.streamStallDuration.nanoseconds(atPercentile: 50)))) connection stalls=\(s.connectionStalls)"
              + " driver zero-window=\(Rig.millis(small.flowControl.streamZeroWindowNanos))"
              + " (\(small.flowControl.streamZeroWindowPerStream.count) streams, p50"
              + " \(Rig.millis(small.flowControl.streamZeroWindowPerStream.nanoseconds(atPercentile: 50))))"
              + " WINDOW_UPDATEs=\(small.flowControl.windowUpdateFramesSent)")
        print("ground truth: slow consumer window=1MiB server stalls=\(l.streamStalls) (\(Rig.millis(l.streamStallNanos)))"
              + " driver zero-window=\(Rig.millis(large.flowControl.streamZeroWindowNanos))"
              + " WINDOW_UPDATEs=\(large.flowControl.windowUpdateFramesSent)")

        // Small window: every stream stalls once at the burst, for about the consumer's
        // five delays, on both sides of the connection.
        #expect(s.streamStalls >= Self.streams)
        #expect(s.connectionStalls == 0, "the 16 MiB connection window never runs out")
        let serverStallP50 = s.streamStallDuration.nanoseconds(atPercentile: 50)
        #expect(serverStallP50 >= expectedPerStream / 2 && serverStallP50 <= expectedPerStream * 2,
                "server stall p50 \(Rig.millis(serverStallP50)), expected ≈ \(Rig.millis(expectedPerStream))")
        #expect(small.flowControl.streamZeroWindowPerStream.count == UInt64(Self.streams), "every stream's window hit zero")
        let zeroP50 = small.flowControl.streamZeroWindowPerStream.nanoseconds(atPercentile: 50)
        #expect(zeroP50 >= expectedPerStream / 2 && zeroP50 <= expectedPerStream * 2,
                "driver zero-window p50 \(Rig.millis(zeroP50)), expected ≈ \(Rig.millis(expectedPerStream))")
        #expect(small.flowControl.windowUpdateFramesSent > 0)
        // No small-window stream could end before its consumer asked for the burst: five delays.
        #expect(small.consumerDelayNanos >= UInt64(Self.streams * 5) * Self.consumerDelay)
        #expect(large.consumerDelayNanos < small.consumerDelayNanos)

        // 1 MiB window: the stalls and the zero-window time fall (here: to nothing).
        #expect(l.streamStallNanos < s.streamStallNanos / 10)
        #expect(large.flowControl.streamZeroWindowNanos < small.flowControl.streamZeroWindowNanos / 10)
        #expect(l.streamStalls < s.streamStalls)
    }

    // MARK: A 64 KiB message in a 64 KiB window

    /// 50 messages of 64 bytes, message 47 of 64 KiB (65,536 bytes + prefix and header: more
    /// than the 65,535-byte stream window), a fast consumer, on-consume credit, a 2 s deadline.
    static let oversizeSpec = ServerStreamSpec(messages: 50, size: ByteCount(bytes: 64),
                                               bursts: [Burst(at: 47, size: .kibibytes(64))])

    func oversizeRun(_ policy: PendingMessageCredit, streams: Int) throws -> CellMeasurements {
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.oversizeSpec), stamped: true)
        var options = Rig.options(plan, streams: streams, total: streams, streamWindow: 65_535)
        options.windowUpdate = .onConsume
        options.pendingMessageCredit = policy
        options.deadline = 2 * Rig.seconds
        let server = try Rig.startServer()
        let started = MonotonicClock.now()
        let (result, stats) = Rig.run(options, server: server)
        let elapsed = MonotonicClock.now() - started
        let m = result.measurements
        #expect(m.bytesReceived == stats.dataBytesSent)
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(2))")
        print("ground truth: 64KiB message in a 65,535-byte window, \(policy): \(m.outcomes.complete) complete,"
              + " \(m.outcomes.deadline) deadline, \(m.bytesReceived) bytes, \(Rig.millis(elapsed))")
        return m
    }

    @Test func withholdLeavesAMessageLargerThanTheWindowStuckUntilTheDeadline() throws {
        let streams = 4
        let m = try oversizeRun(.withhold, streams: streams)
        #expect(m.outcomes.deadline == streams, "\(m.outcomes)")
        #expect(m.failures.count == streams)
        for f in m.failures {
            #expect(f.outcome == .deadline)
            #expect(f.messagesReceived == 47, "stream \(f.streamID): \(f.messagesReceived) messages")
            #expect(f.bytesReceived == 65_535, "stream \(f.streamID): \(f.bytesReceived) bytes — exactly one window")
            #expect(f.messagesPlanned == 50)
        }
        #expect(m.bytesReceived == streams * 65_535)
        // Each deadline fired at 2 s, not earlier.
        #expect(m.streamDuration.nanoseconds(atPercentile: 0) >= 2 * Rig.seconds - Rig.ms)
    }

    @Test func grantLetsAMessageLargerThanTheWindowComplete() throws {
        let streams = 20
        let m = try oversizeRun(.grant, streams: streams)
        #expect(m.outcomes.complete == streams, "\(m.outcomes) \(m.failures.prefix(2))")
        #expect(m.messagesReceived == streams * 50)
        let plan = PlanBuilder.plan(for: .grpcServerStream(Self.oversizeSpec), stamped: true)
        #expect(m.bytesReceived == streams * plan.expectedBytes)
        #expect(m.streamDuration.nanoseconds(atPercentile: 100) < 2 * Rig.seconds)
    }
}
