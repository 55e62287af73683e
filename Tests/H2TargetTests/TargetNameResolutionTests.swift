import H2Loop
import H2Wire
import Testing
@testable import H2Target
import H2Profile
import H2Driver

/// Target URLs with host names: resolved once by the system resolver, connections go to the
/// address, `:authority` keeps the name. Only loopback names are used (`localhost` is in every
/// Debian `/etc/hosts`); the failing case uses the reserved `.invalid` TLD (RFC 6761), which no
/// resolver answers.
struct TargetNameResolutionTests {
    @Test func numericAddressesStayAsWritten() throws {
        #expect(try TCPSocket.resolve(host: "127.0.0.1").get() == "127.0.0.1")
        #expect(try TCPSocket.resolve(host: "::1").get() == "::1")
        let target = try ExternalTargetLauncher(url: "h2c://127.0.0.1:50051")
        #expect(target.address == TargetAddress(host: "127.0.0.1", port: 50051))
        #expect(target.address.description == "127.0.0.1:50051")
        #expect(try ExternalTargetLauncher(url: "h2c://[::1]:8080").address.description == "[::1]:8080")
    }

    @Test func localhostResolvesToLoopbackAndKeepsItsNameAsAuthority() throws {
        let target = try ExternalTargetLauncher(url: "h2c://localhost:50051/ignored")
        #expect(target.address.host == "127.0.0.1", "an IPv4 address is preferred")
        #expect(target.address.port == 50051)
        #expect(target.address.name == "localhost")
        #expect(target.address.description == "localhost:50051")
    }

    @Test func anUnresolvableNameIsATargetErrorBeforeAnyLoad() {
        do {
            _ = try ExternalTargetLauncher(url: "h2c://no-such-host.invalid:80")
            Issue.record("resolved a .invalid name")
        } catch {
            #expect(error.description.contains("target url `h2c://no-such-host.invalid:80`"), "\(error)")
            #expect(error.description.contains("cannot resolve `no-such-host.invalid`"), "\(error)")
        }
        if case .success(let address) = TCPSocket.resolve(host: "no-such-host.invalid") {
            Issue.record("resolved to \(address)")
        }
    }

    @Test func aDriverReachesTheEmbeddedServerByName() throws {
        let server = try EmbeddedServer.start(EmbeddedServerConfig(host: "127.0.0.1", port: 0, threads: 1))
        let target = try ExternalTargetLauncher(url: "h2c://localhost:\(server.port)")
        let plan = PlanBuilder.plan(for: .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 10), responseSize: ByteCount(bytes: 100))),
                                    stamped: false)
        let options = Driver.Options(
            threads: 1, connections: 2, streamsPerConnection: 10, plans: [plan], weights: [1],
            settings: HTTP2Settings(client: ClientSettings()), warmupNanoseconds: 0, durationNanoseconds: 20_000_000_000,
            totalStreams: 200, seed: 1)
        let result = Driver.run(options, target: target.address, control: RunControl())
        let stats = server.stop()
        #expect(result.measurements.outcomes.complete == 200, "\(result.measurements.outcomes)")
        #expect(stats.streamsFinished == 200)
    }
}
