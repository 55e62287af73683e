import H2Loop
import H2Target
import H2Wire
import H2TestSupport
import Testing
@testable import H2Profile
@testable import H2Driver

/// `client.deadline` reaches the server as `grpc-timeout`, as from a real gRPC client; the
/// embedded server ends an expired call with `grpc-status: 4`, and the driver records that as
/// outcome `deadline` from the server — the same outcome its own timer gives.
@Suite(.serialized, .tags(.timing))
struct DeadlinePropagationTimingTests {
    typealias Rig = GroundTruthRig

    /// 10 messages of 100 B, one every 100 ms.
    static let paced = ServerStreamSpec(messages: 10, size: ByteCount(bytes: 100), interval: .milliseconds(100))
    static let streams = 20

    @Test("the deadline is sent as grpc-timeout by default, and not with sendGrpcTimeout off")
    func grpcTimeoutIsSentByDefault() throws {
        for send in [true, false] {
            let plan = PlanBuilder.plan(for: .grpcServerStream(Self.paced), stamped: true)
            var options = Rig.options(plan, streams: Self.streams, total: Self.streams)
            options.deadline = 350 * Rig.ms
            options.sendGrpcTimeout = send
            let (result, stats) = Rig.run(options, server: try Rig.startServer())
            let m = result.measurements
            #expect(m.outcomes.deadline == Self.streams, "\(m.outcomes)")
            #expect(stats.grpcTimeoutsReceived == (send ? Self.streams : 0))
            for f in m.failures { #expect(f.messagesReceived == 3, "messages at 100, 200 and 300 ms arrive before 350 ms") }
            let sources = m.failures.compactMap(\.deadlineSource)
            #expect(sources.count == Self.streams, "every deadline names its source")
            if !send { #expect(sources.allSatisfy { $0 == .client } && m.serverDeadlines == 0) }
            #expect(m.serverDeadlines == sources.filter { $0 == .server }.count)
        }
    }

    /// A request that carries `grpc-timeout: 250m` and no client deadline: only the server's
    /// timer runs. Messages are due at 100, 200, 300 ms…: two arrive, then the server ends
    /// every call with DEADLINE_EXCEEDED.
    @Test("grpc-status 4 from the server at its grpc-timeout is outcome deadline, source server")
    func serverDeadlineIsOutcomeDeadline() throws {
        let base = PlanBuilder.plan(for: .grpcServerStream(Self.paced), stamped: true)
        let plan = StreamPlan(kindName: base.kindName, framing: base.framing, method: base.method, path: base.path,
                              requestHeaders: base.requestHeaders + [HeaderField(name: "grpc-timeout", value: "250m")],
                              requestBody: base.requestBody, expectedMessageLengths: base.expectedMessageLengths,
                              expectedBodySizes: base.expectedBodySizes, expectedBytes: base.expectedBytes, stamped: true)
        let options = Rig.options(plan, streams: Self.streams, total: Self.streams)
        let (result, stats) = Rig.run(options, server: try Rig.startServer())
        let m = result.measurements
        #expect(m.outcomes.deadline == Self.streams, "\(m.outcomes) \(m.failures.prefix(1))")
        #expect(m.serverDeadlines == Self.streams)
        #expect(stats.grpcTimeoutsReceived == Self.streams && stats.deadlinesExceeded == Self.streams)
        #expect(stats.streamsFinished == 0, "a call ended by its deadline is not a finished response")
        for f in m.failures {
            #expect(f.deadlineSource == .server && f.grpcStatus == 4)
            #expect(f.messagesReceived == 2, "stream \(f.streamID): \(f.messagesReceived)")
        }
        let shortest = m.streamDuration.nanoseconds(atPercentile: 0)
        #expect(shortest >= 250 * Rig.ms, "the server waited its grpc-timeout: \(Rig.millis(shortest))")
    }
}
