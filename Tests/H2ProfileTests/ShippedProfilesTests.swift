import Foundation
import Testing
@testable import H2Profile

/// Every file in `profiles/` must load; the shipped ones must keep their documented shape.
struct ShippedProfilesTests {
    static let profilesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("profiles")

    static var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: profilesDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }

    static func load(_ name: String) throws -> LoadedProfile {
        try ProfileLoader.load(path: profilesDirectory.appendingPathComponent(name).path)
    }

    @Test func theShippedProfilesArePresent() {
        #expect(Set(["quick.yaml", "seed-burst.yaml", "throughput.yaml", "slow-consumer.yaml", "open-loop.yaml"]).isSubset(of: Set(Self.files)))
    }

    @Test(arguments: files)
    func everyProfileLoads(name: String) throws {
        let loaded = try Self.load(name)
        #expect(!loaded.cells.isEmpty)
        #expect(loaded.base.name + ".yaml" == name, "a profile's name should match its file name")
        for cell in loaded.cells {
            for entry in cell.profile.mix {
                if case .grpcServerStream(let stream) = entry.kind {
                    let streamTime = stream.interval.nanoseconds * UInt64(max(0, stream.messages - 1))
                    #expect(streamTime <= cell.profile.duration.nanoseconds, "in \(cell.id) a server stream outlasts the duration")
                }
            }
        }
    }

    @Test func quickIsQuickAndCoversTheMix() throws {
        let loaded = try Self.load("quick.yaml")
        #expect(loaded.wallTime.atMost <= .seconds(30))
        #expect(loaded.base.target == .embedded)
        #expect(loaded.cells.count == 4)
        #expect(Set(loaded.cells.map(\.threads)) == [1, 2])
        #expect(Set(loaded.cells.map(\.profile.client.streamWindow)) == [.kibibytes(64), .mebibytes(1)])
        #expect(loaded.base.concurrentStreams >= 200)
        let kinds = loaded.base.mix.map(\.kind)
        #expect(kinds.contains { if case .grpcServerStream(let s) = $0 { s.bursts.contains { $0.size == .kibibytes(64) } } else { false } })
        #expect(kinds.contains { if case .grpcUnary = $0 { true } else { false } })
        #expect(kinds.contains(.httpGet(HTTPGetSpec(size: .kibibytes(64)))))
    }

    @Test func seedBurstIsTheSeedScenario() throws {
        let loaded = try Self.load("seed-burst.yaml")
        #expect(loaded.base.duration == .seconds(12) && loaded.base.warmup == .zero, "no warm-up: its 10 s streams would all start inside it")
        #expect(loaded.base.mix.first?.kind == .grpcServerStream(ServerStreamSpec(
            messages: 100, size: ByteCount(bytes: 100), interval: .milliseconds(100), bursts: [Burst(at: 47, size: .kibibytes(64))])))
    }

    @Test func throughputUsesLargeBodiesAndManyStreams() throws {
        let loaded = try Self.load("throughput.yaml")
        #expect(loaded.base.connections == 10 && loaded.base.streamsPerConnection == 100)
        #expect(Set(loaded.base.mix.map(\.kind)) == [.httpGet(HTTPGetSpec(size: .mebibytes(1))), .httpGet(HTTPGetSpec(size: .kibibytes(64)))])
    }

    /// The design of `slow-consumer.yaml` (the seed scenario), checked from its numbers so that
    /// editing the file cannot silently lose the contrast its comment promises.
    @Test func slowConsumerIsTheSeedScenario() throws {
        let loaded = try Self.load("slow-consumer.yaml")
        #expect(loaded.cells.map(\.variant) == ["window-64k", "window-1m", "window-1m-tied"])
        #expect(loaded.wallTime.atMost <= .seconds(61))
        #expect(loaded.wallTime.paced <= .seconds(10), "one wave of 200 streams per cell, each at most its 3 s deadline")
        for cell in loaded.cells {
            let profile = cell.profile
            guard case .grpcServerStream(let stream) = try #require(profile.mix.first).kind, profile.mix.count == 1 else {
                Issue.record("\(cell.id): the mix should be one server stream")
                continue
            }
            #expect(profile.connections == 1 && profile.streamsPerConnection == 200 && profile.totalStreams == 200)
            #expect(stream.messages == 100 && stream.size.bytes == 100 && stream.interval == .milliseconds(10))
            #expect(stream.messageSize(47) == 65_536)
            #expect(profile.client.windowUpdate == .onConsume && profile.client.pendingMessageCredit == .grant)
            #expect(profile.client.deadline == .seconds(3))
            #expect(profile.consumers == [ConsumerSpec(share: 1, delay: .fixed(.milliseconds(100)))])
            let window = profile.client.streamWindow.bytes
            #expect(profile.client.connectionWindow.bytes == window, "the same window for stream and connection")
            let before47 = (0..<47).reduce(0) { $0 + 5 + stream.messageSize($1) }
            let message47 = 5 + stream.messageSize(47)
            switch cell.variant {
            case "window-64k":
                #expect(window == 65_535 && profile.client.connectionWindowUpdate == .onReceive)
                // Message 47 does not fit after the small ones: it needs the consumer to ask for it,
                // which happens (48 × 100 ms) after the deadline.
                #expect(before47 + message47 > window)
                #expect(48 * 100_000_000 > profile.client.deadline!.nanoseconds)
            case "window-1m":
                #expect(window == 1 << 20 && profile.client.connectionWindowUpdate == .onReceive)
                #expect(stream.totalPayloadBytes + 20 * stream.messages < window, "the whole response fits one stream window")
            default:
                #expect(window == 1 << 20 && profile.client.connectionWindowUpdate == .onConsume)
                #expect(200 * (before47 + message47) > window, "200 slow streams hold more than the connection window")
            }
        }
    }

    @Test func openLoopIsTwoThousandStreamsPerSecond() throws {
        let loaded = try Self.load("open-loop.yaml")
        #expect(loaded.base.rate == 2000)
        #expect(loaded.base.duration == .seconds(10))
        #expect(loaded.cells.count == 1)
        #expect(loaded.wallTime.atMost <= .seconds(15))
        #expect(loaded.base.mix.allSatisfy { entry in
            switch entry.kind {
            case .grpcUnary: true
            case .httpGet(let get): get.size.bytes <= 4096
            case .grpcServerStream, .grpcCall, .httpRequest: false
            }
        })
    }
}
