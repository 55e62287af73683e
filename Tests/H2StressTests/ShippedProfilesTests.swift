import Foundation
import Testing
@testable import H2Stress

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
        #expect(Set(["quick.yaml", "seed-burst.yaml", "throughput.yaml"]).isSubset(of: Set(Self.files)))
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
        #expect(loaded.estimatedWallTime <= .seconds(30))
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
        #expect(loaded.base.duration == .seconds(12) && loaded.base.warmup == .seconds(1))
        #expect(loaded.base.mix.first?.kind == .grpcServerStream(ServerStreamSpec(
            messages: 100, size: ByteCount(bytes: 100), interval: .milliseconds(100), bursts: [Burst(at: 47, size: .kibibytes(64))])))
    }

    @Test func throughputUsesLargeBodiesAndManyStreams() throws {
        let loaded = try Self.load("throughput.yaml")
        #expect(loaded.base.connections == 10 && loaded.base.streamsPerConnection == 100)
        #expect(Set(loaded.base.mix.map(\.kind)) == [.httpGet(HTTPGetSpec(size: .mebibytes(1))), .httpGet(HTTPGetSpec(size: .kibibytes(64)))])
    }
}
