import Glibc
import H2Loop
import H2Target
import H2Wire
import Testing
@testable import H2Results
@testable import H2Profile
@testable import H2Driver

/// ``Driver/run(_:target:control:progress:)`` against an in-process ``EmbeddedServer`` on
/// loopback: exact accounting of streams, messages and bytes, a dead target, and Ctrl-C.
///
/// Serialized: each test loads both cores on its own; bounded by count or by a deadline.
@Suite(.serialized)
struct DriverIntegrationTests {
    /// 10 messages of 1KiB, 1ms apart, message 5 a 64KiB burst.
    static let serverStream = ServerStreamSpec(messages: 10, size: .kibibytes(1), interval: .milliseconds(1),
                                               bursts: [Burst(at: 5, size: .kibibytes(64))])
    static let unary = UnarySpec(requestSize: ByteCount(bytes: 100), responseSize: ByteCount(bytes: 512))
    static let httpGet = HTTPGetSpec(size: .kibibytes(16))

    static func plans(stamped: Bool) -> [StreamPlan] {
        [PlanBuilder.plan(for: .grpcServerStream(serverStream), stamped: stamped),
         PlanBuilder.plan(for: .grpcUnary(unary), stamped: stamped),
         PlanBuilder.plan(for: .httpGet(httpGet), stamped: stamped)]
    }

    static func clientSettings() -> HTTP2Settings {
        HTTP2Settings(client: ClientSettings(streamWindow: .mebibytes(1), connectionWindow: .mebibytes(16)))
    }

    static func startServer(maxConcurrentStreams: Int = 128) throws -> EmbeddedServer {
        var settings = HTTP2Settings()
        settings.maxConcurrentStreams = maxConcurrentStreams
        return try EmbeddedServer.start(EmbeddedServerConfig(host: "127.0.0.1", port: 0, threads: 1, settings: settings))
    }

    static let seconds: UInt64 = 1_000_000_000

    // MARK: exact accounting

    @Test func fiveHundredConcurrentStreamsAllCompleteAndEveryByteIsCounted() throws {
        let server = try Self.startServer()
        let plans = Self.plans(stamped: true)
        let total = 3_000
        let options = Driver.Options(
            threads: 2, connections: 5, streamsPerConnection: 100, plans: plans, weights: [2, 1, 1],
            settings: Self.clientSettings(), warmupNanoseconds: 0, durationNanoseconds: 60 * Self.seconds,
            totalStreams: total, seed: 42)
        let started = MonotonicClock.now()
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl())
        let elapsed = MonotonicClock.now() - started
        let stats = server.stop()
        let m = result.measurements

        #expect(elapsed < 60 * Self.seconds, "the count bound, not the safety duration, must end the cell")
        #expect(m.connectionErrors.isEmpty, "\(m.connectionErrors.prefix(3))")
        #expect(m.failures.isEmpty, "\(m.failures.prefix(3))")
        #expect(m.connectionsOpened == 5)
        #expect(stats.connectionsAccepted == 5)

        // Every stream counted exactly once, and every one complete.
        #expect(m.streamsStarted == total)
        #expect(m.outcomes.complete == total)
        #expect(m.outcomes.total == total)
        #expect(m.outcomes.failed == 0)
        #expect(stats.streamsStarted == total)
        #expect(stats.streamsFinished == total)
        #expect(m.ttfb.count == UInt64(total))
        #expect(m.streamDuration.count == UInt64(total))

        // Bytes and messages: what the server put in DATA frames is exactly what the driver measured.
        #expect(m.bytesReceived == stats.dataBytesSent)
        #expect(m.messagesReceived == stats.messagesQueued)
        // The per-second series (bytes are added once per wake) holds every byte and message too.
        #expect(m.series.seconds.reduce(0) { $0 + $1.bytes } == m.bytesReceived)
        #expect(m.series.seconds.reduce(0) { $0 + $1.messages } == m.messagesReceived)

        // And both add up to whole planned responses: find the (unique) split of the 3,000 streams
        // into server streams, unary calls and GETs that explains the message and byte totals.
        let (ss, un, get) = (plans[0], plans[1], plans[2])
        var splits: [(Int, Int, Int)] = []
        for nServer in 0...total {
            let nUnary = m.messagesReceived - ss.expectedMessages * nServer
            let nGet = total - nServer - nUnary
            guard nUnary >= 0, nGet >= 0 else { continue }
            if nServer * ss.expectedBytes + nUnary * un.expectedBytes + nGet * get.expectedBytes == m.bytesReceived {
                splits.append((nServer, nUnary, nGet))
            }
        }
        #expect(splits.count == 1, "message and byte totals must match whole planned responses: \(splits.prefix(3))")
        if let (nServer, nUnary, _) = splits.first {
            // Weights 2:1:1 over 3,000 seeded draws: about 1,500 server streams.
            #expect((1_350...1_650).contains(nServer))
            // One inter-message gap per message after a stream's first.
            #expect(m.messageGap.count == UInt64(m.messagesReceived - nServer - nUnary))
        }
        #expect(result.measuredSeconds > 0 && result.measuredSeconds < 60)
    }

    /// The server allows 50 concurrent streams, the profile asks for 100 per connection: the
    /// driver must wait for the server's SETTINGS and stay under its limit (no REFUSED_STREAM).
    @Test func aLowerServerStreamLimitIsRespectedAndUnstampedStreamsCountExactly() throws {
        let server = try Self.startServer(maxConcurrentStreams: 50)
        let total = 400
        let options = Driver.Options(
            threads: 1, connections: 2, streamsPerConnection: 100, plans: Self.plans(stamped: false), weights: [1, 1, 1],
            settings: Self.clientSettings(), warmupNanoseconds: 0, durationNanoseconds: 60 * Self.seconds,
            totalStreams: total, seed: 7)
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl())
        let stats = server.stop()
        let m = result.measurements
        #expect(m.outcomes.complete == total, "\(m.outcomes) \(m.failures.prefix(3)) \(m.connectionErrors.prefix(3))")
        #expect(m.outcomes.reset == 0, "streams beyond the server's limit were refused")
        #expect(m.streamsStarted == total)
        #expect(m.outcomes.total == total)
        #expect(m.bytesReceived == stats.dataBytesSent)
        #expect(m.messagesReceived == stats.messagesQueued)
        #expect(stats.streamsFinished == total)
    }

    // MARK: a dead target

    @Test func aDeadTargetRecordsConnectionErrorsAndStartsNoStream() throws {
        // A port that was just bound and released: nothing listens there.
        var (listener, port) = try TCPSocket.listen(host: "127.0.0.1", port: 0)
        listener.close()
        let options = Driver.Options(
            threads: 1, connections: 2, streamsPerConnection: 10, plans: Self.plans(stamped: true), weights: [1, 1, 1],
            settings: Self.clientSettings(), warmupNanoseconds: 0, durationNanoseconds: Self.seconds)
        let started = MonotonicClock.now()
        let result = Driver.run(options, target: TargetAddress(host: "127.0.0.1", port: port), control: RunControl())
        let elapsed = MonotonicClock.now() - started
        let m = result.measurements
        #expect(elapsed < 10 * Self.seconds)
        #expect(!m.connectionErrors.isEmpty)
        #expect(m.connectionErrors.allSatisfy { $0.hasPrefix("connection ") }, "\(m.connectionErrors.prefix(2))")
        #expect(m.connectionErrors.count >= 2, "each connection fails at least once")
        #expect(m.connectionsOpened == 0)
        #expect(m.streamsStarted == 0)
        #expect(m.outcomes.total == 0)
        #expect(m.bytesReceived == 0)
    }

    // MARK: interrupt

    @Test func anInterruptStopsALongCellEarlyAndKeepsTheMeasurements() throws {
        let server = try Self.startServer()
        let control = RunControl()
        let progress = [WorkerProgress(), WorkerProgress()]
        let options = Driver.Options(
            threads: 2, connections: 2, streamsPerConnection: 50, plans: Self.plans(stamped: true), weights: [2, 1, 1],
            settings: Self.clientSettings(), warmupNanoseconds: 0, durationNanoseconds: 60 * Self.seconds)
        // Interrupts once the workers have published ≥ 100 finished streams — synchronisation on
        // an observed condition; the deadline only bounds the test if that never happens.
        let interrupter = WorkerThread<Bool>.spawn(name: "test-interrupt") {
            let deadline = MonotonicClock.now() + 30 * Self.seconds
            while MonotonicClock.now() < deadline {
                if progress.reduce(0, { $0 + $1.streamsFinished }) >= 100 {
                    control.interrupt()
                    return true
                }
                sched_yield()
            }
            control.interrupt()
            return false
        }
        let started = MonotonicClock.now()
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: control,
                                progress: progress)
        let elapsed = MonotonicClock.now() - started
        let sawProgress = interrupter.join()
        let stats = server.stop()
        let m = result.measurements

        #expect(sawProgress, "the workers never published 100 finished streams")
        #expect(control.isInterrupted)
        #expect(elapsed < 30 * Self.seconds, "a 60 s cell must stop at the interrupt")
        #expect(result.measuredSeconds > 0 && result.measuredSeconds < 40)
        #expect(m.outcomes.complete >= 100)
        #expect(m.outcomes.failed == 0, "\(m.failures.prefix(3))")
        #expect(m.streamsStarted == m.outcomes.total, "every started stream is complete or unfinished")
        #expect(m.bytesReceived > 0 && m.bytesReceived <= stats.dataBytesSent)
        #expect(progress.reduce(0) { $0 + $1.streamsFinished } == m.outcomes.complete, "final progress is published at the end")
    }
}
