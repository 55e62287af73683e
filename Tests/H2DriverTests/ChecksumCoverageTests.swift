import H2Loop
import H2Target
import H2Wire
import Testing
@testable import H2Profile
@testable import H2Results
@testable import H2Driver

/// `client.checksum` end to end: the counts in `cells[i].checksum` against the known number of
/// messages and bytes the embedded server sent, and the profile field.
///
/// Serialized: each run loads both cores; each is bounded by a stream count and a deadline.
@Suite(.serialized)
struct ChecksumCoverageTests {
    static let messages = 20
    static let bodySize = 2_048
    static let streams = 400

    /// Runs `streams` streams of `messages` stamped 2 KiB messages with `sampling`.
    static func run(_ sampling: ChecksumSampling) throws -> (CellMeasurements, ServerStats) {
        let server = try EmbeddedServer.start(EmbeddedServerConfig(host: "127.0.0.1", port: 0, threads: 1))
        let plan = PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: messages, size: ByteCount(bytes: bodySize))),
                                    stamped: true, checksum: sampling)
        let options = Driver.Options(
            threads: 2, connections: 4, streamsPerConnection: 25, plans: [plan], weights: [1],
            settings: HTTP2Settings(client: ClientSettings(streamWindow: .mebibytes(1), connectionWindow: .mebibytes(16))),
            warmupNanoseconds: 0, durationNanoseconds: 50_000_000_000, totalStreams: streams, seed: 3)
        let result = Driver.run(options, target: TargetAddress(host: server.host, port: server.port), control: RunControl())
        return (result.measurements, server.stop())
    }

    @Test func allSumsEveryMessageAndByteTheServerSent() throws {
        let (m, stats) = try Self.run(.all)
        #expect(m.outcomes.complete == Self.streams, "\(m.outcomes)")
        #expect(stats.messagesQueued == Self.streams * Self.messages)
        #expect(m.checksum.sampling == "all")
        #expect(m.checksum.messagesStampChecked == stats.messagesQueued)
        #expect(m.checksum.messagesSummed == stats.messagesQueued)
        #expect(m.checksum.bytesSummed == stats.messagesQueued * Self.bodySize)
    }

    @Test func oneInEightChecksEveryStampAndSumsAboutAnEighth() throws {
        let (m, stats) = try Self.run(try #require(ChecksumSampling(oneIn: 8)))
        #expect(m.outcomes.complete == Self.streams, "\(m.outcomes)")
        let total = stats.messagesQueued
        #expect(m.checksum.sampling == "1/8")
        #expect(m.checksum.messagesStampChecked == total)
        // Binomial(8,000, 1/8): mean 1,000, σ ≈ 29.6; allow 5 σ.
        let sigma = (Double(total) / 8 * 7 / 8).squareRoot()
        #expect(abs(Double(m.checksum.messagesSummed) - Double(total) / 8) <= 5 * sigma, "\(m.checksum)")
        #expect(m.checksum.bytesSummed == m.checksum.messagesSummed * Self.bodySize)
        let result = CellResult(index: 0, id: "c", threads: 2, serverThreads: 1, variant: "", repeat: 0, durationSeconds: 1,
                                measurements: m, cpu: CPUUsage(userSeconds: 0, systemSeconds: 0), peakRSSBytes: 0)
        #expect(result.checksum == m.checksum)
        #expect(abs((result.checksum?.summedShare ?? 0) - 0.125) < 0.03)
    }

    @Test func noneChecksStampsAndSumsNothing() throws {
        let (m, stats) = try Self.run(.none)
        #expect(m.outcomes.complete == Self.streams, "\(m.outcomes)")
        #expect(m.checksum.messagesStampChecked == stats.messagesQueued)
        #expect(m.checksum.messagesSummed == 0 && m.checksum.bytesSummed == 0)
    }

    @Test func unstampedRunsReportNoChecksumSection() {
        var m = CellMeasurements()
        m.messagesReceived = 10
        let result = CellResult(index: 0, id: "c", threads: 1, serverThreads: 1, variant: "", repeat: 0, durationSeconds: 1,
                                measurements: m, cpu: CPUUsage(userSeconds: 0, systemSeconds: 0), peakRSSBytes: 0)
        #expect(result.checksum == nil)
    }

    // MARK: The profile field

    static func load(_ client: String, overrides: [String] = []) throws(ProfileError) -> LoadedProfile {
        try ProfileLoader.parse(yaml: "name: p\nduration: 1s\n\(client)mix:\n  - grpc.serverStream: {messages: 2, size: 1KiB}\n",
                                file: "p.yaml", overrides: overrides)
    }

    @Test func theProfileFieldDefaultsToOneInSixtyFourAndAcceptsAllNoneAndOneInN() throws {
        #expect(try Self.load("").base.client.checksum == .default)
        #expect(try Self.load("client: {checksum: all}\n").base.client.checksum == .all)
        #expect(try Self.load("client: {checksum: none}\n").base.client.checksum == .none)
        #expect(try Self.load("client: {checksum: 1/64}\n").base.client.checksum == ChecksumSampling(oneIn: 64))
        #expect(try Self.load("", overrides: ["client.checksum=all"]).base.client.checksum == .all)
        // A faulted plan sums everything whatever the profile says.
        let plan = PlanBuilder.plan(for: .grpcServerStream(ServerStreamSpec(messages: 2, size: .kibibytes(1))), stamped: true,
                                    checksum: .none)
        #expect(plan.checksum == .none)
        #expect(plan.withFault(Fault(kind: .corrupt, after: 1, how: .checksum)).checksum == .all)
    }

    @Test(arguments: ["1/1", "2/3", "half", "1/0", "1/2000000"])
    func aBadValueNamesTheFieldAndTheFix(value: String) {
        do {
            _ = try Self.load("client: {checksum: \"\(value)\"}\n")
            Issue.record("\(value) was accepted")
        } catch {
            #expect(error.description.contains("`client.checksum`"), "\(error.description)")
            #expect(error.description.contains("write `all`"), "\(error.description)")
            #expect(error.description.contains("p.yaml"), "\(error.description)")
        }
    }
}
