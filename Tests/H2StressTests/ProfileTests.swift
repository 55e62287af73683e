import Foundation
import Testing
@testable import H2Stress

/// Profiles small enough to read inline.
enum SampleProfiles {
    static let minimal = """
        name: tiny
        duration: 3s
        mix:
          - http.get: {size: 64KiB}
        """

    static let seed = """
        name: seed-burst
        description: the seed scenario
        target: embedded
        warmup: 2s
        duration: 10s
        connections: 4
        streamsPerConnection: 50
        mix:
          - weight: 1
            grpc.serverStream: {messages: 100, size: 100B, interval: 100ms, bursts: [{at: 47, size: 64KiB}]}
          - weight: 2
            grpc.unary: {requestSize: 100B, responseSize: 1KiB}
          - weight: 3
            http.get: {size: 64KiB}
        client: {streamWindow: 64KiB, connectionWindow: 1MiB}
        server: {threads: 1}
        sweep:
          threads: [1, 2, 4]
          serverThreads: [1]
          repeats: 1
          variants:
            - {name: window-64k, client: {streamWindow: 64KiB}}
            - {name: window-1m,  client: {streamWindow: 1MiB, connectionWindow: 4MiB}}
        """

    static func parse(_ yaml: String, overrides: [String] = []) throws -> LoadedProfile {
        try ProfileLoader.parse(yaml: yaml, file: "test.yaml", overrides: overrides)
    }

    /// The error parsing `yaml` throws, or `nil` (recorded as an issue) if it parses.
    static func error(_ yaml: String, overrides: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) -> ProfileError? {
        do {
            _ = try ProfileLoader.parse(yaml: yaml, file: "test.yaml", overrides: overrides)
            Issue.record("expected a ProfileError", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }
}

struct ProfileTests {
    @Test func minimalProfileGetsDefaults() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.minimal).base
        #expect(profile.name == "tiny")
        #expect(profile.description == nil)
        #expect(profile.target == .embedded)
        #expect(profile.warmup == .zero)
        #expect(profile.duration == .seconds(3))
        #expect(profile.connections == 1 && profile.streamsPerConnection == 1)
        #expect(profile.threads == 1 && profile.seed == 1)
        #expect(profile.client == ClientSettings())
        #expect(profile.client.streamWindow.bytes == 65_535 && profile.client.connectionWindow == .mebibytes(1))
        #expect(profile.client.maxFrameSize == .kibibytes(16) && profile.client.headerTableSize == .kibibytes(4))
        #expect(profile.client.stamp)
        #expect(profile.server == ServerSettings())
        #expect(profile.server.maxConcurrentStreams == 1000)
        #expect(profile.sweep == SweepSpec(threads: [1], serverThreads: [1], repeats: 1, variants: []))
        #expect(profile.mix == [MixEntry(weight: 1, kind: .httpGet(HTTPGetSpec(size: .kibibytes(64))))])
    }

    @Test func seedProfileDecodesEveryField() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.seed).base
        #expect(profile.description == "the seed scenario")
        #expect(profile.warmup == .seconds(2) && profile.duration == .seconds(10))
        #expect(profile.concurrentStreams == 200)
        #expect(profile.mix.map(\.weight) == [1, 2, 3])
        guard case .grpcServerStream(let stream) = profile.mix[0].kind else {
            Issue.record("mix[0] is not a server stream: \(profile.mix[0].kind)")
            return
        }
        #expect(stream == ServerStreamSpec(messages: 100, size: ByteCount(bytes: 100), interval: .milliseconds(100),
                                           bursts: [Burst(at: 47, size: .kibibytes(64))]))
        #expect(profile.mix[1].kind == .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 100), responseSize: .kibibytes(1))))
        #expect(profile.mix[2].kind.yamlKey == "http.get")
        #expect(profile.sweep.threads == [1, 2, 4])
        #expect(profile.sweep.variants == [
            VariantSpec(name: "window-64k", overrides: "{client: {streamWindow: 64KiB}}"),
            VariantSpec(name: "window-1m", overrides: "{client: {streamWindow: 1MiB, connectionWindow: 4MiB}}"),
        ])
    }

    @Test func serverStreamSizesHonourBursts() {
        let spec = ServerStreamSpec(messages: 100, size: ByteCount(bytes: 100), interval: .milliseconds(100),
                                    bursts: [Burst(at: 47, size: .kibibytes(64)), Burst(at: 0, size: ByteCount(bytes: 1))])
        #expect(spec.messageSize(46) == 100)
        #expect(spec.messageSize(47) == 65_536)
        #expect(spec.messageSize(0) == 1)
        #expect(spec.totalPayloadBytes == 98 * 100 + 65_536 + 1)
    }

    @Test func httpGetPathDefaultsToBytesEndpoint() throws {
        let profile = try SampleProfiles.parse("""
            name: paths
            duration: 1s
            mix:
              - http.get: {size: 1KiB}
              - http.get: {size: 1KiB, path: /static/a.bin}
            """).base
        guard case .httpGet(let first) = profile.mix[0].kind, case .httpGet(let second) = profile.mix[1].kind else {
            Issue.record("not http.get entries")
            return
        }
        #expect(first.path == nil && first.resolvedPath == "/bytes/1024")
        #expect(second.resolvedPath == "/static/a.bin")
    }

    @Test func urlTargetsAcceptH2COnly() throws {
        let yaml = SampleProfiles.minimal + "\ntarget: {url: \"h2c://127.0.0.1:50051\"}"
        #expect(try SampleProfiles.parse(yaml).base.target == .url("h2c://127.0.0.1:50051"))
        let v6 = SampleProfiles.minimal + "\ntarget: {url: \"h2c://[::1]:8080/\"}"
        #expect(try SampleProfiles.parse(v6).base.target == .url("h2c://[::1]:8080/"))
        let noPort = SampleProfiles.error(SampleProfiles.minimal + "\ntarget: {url: \"h2c://localhost\"}")
        #expect(noPort?.field == "target.url")
        #expect(noPort?.message.contains("port from 1 to 65535") == true)
        let http = SampleProfiles.error(SampleProfiles.minimal + "\ntarget: {url: \"http://localhost:80\"}")
        #expect(http?.message.contains("write `h2c://` instead of `http://`") == true)
        let bare = SampleProfiles.error(SampleProfiles.minimal + "\ntarget: h2c://localhost:1")
        #expect(bare?.message == "`target`: write an external server as `target: {url: \"h2c://localhost:1\"}`")
    }

    @Test func errorsCarryLineFieldAndFile() {
        let error = SampleProfiles.error("""
            name: lines
            duration: 3s
            mix:
              - http.get: {size: 64KiB}
              - grpc.serverStream:
                  messages: 10
                  size: 10 parsecs
            """)
        #expect(error?.file == "test.yaml")
        #expect(error?.line == 7)
        #expect(error?.field == "mix[1].grpc.serverStream.size")
        #expect(error?.description == "profile `test.yaml`, line 7: `mix[1].grpc.serverStream.size`: write a size like `64KiB`, `1MiB` or `100B`, got `10 parsecs`; unknown unit `parsecs`; use one of `B`, `KiB`, `MiB`, `GiB`, `TiB`, `kB`, `KB`, `MB`, `GB`, `TB`")
    }

    @Test func missingTopLevelFieldHasNoLine() {
        let error = SampleProfiles.error("name: x\nmix: [{http.get: {size: 1KiB}}]")
        #expect(error?.line == nil)
        #expect(error?.field == "duration")
        #expect(error?.description == "profile `test.yaml`: `duration` is missing; add a line such as `duration: 10s`")
    }

    @Test func nullValuesCountAsAbsent() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.minimal + "\ndescription: ~\nclient:\nwarmup:").base
        #expect(profile.description == nil)
        #expect(profile.client == ClientSettings())
        #expect(profile.warmup == .zero)
    }

    @Test func unknownFieldWithoutSuggestionListsTheValidOnes() {
        let error = SampleProfiles.error(SampleProfiles.minimal + "\nserver: {colour: blue}")
        #expect(error?.line == 5)
        #expect(error?.field == "server.colour")
        #expect(error?.message == "unknown field `colour` in `server`; remove it or use one of `threads`, `streamWindow`, `connectionWindow`, `maxConcurrentStreams`, `maxFrameSize`")
    }

    @Test func variantsDeepMergeOverTheBase() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.seed)
        let small = try #require(loaded.cells.first { $0.variant == "window-64k" }).profile
        let large = try #require(loaded.cells.first { $0.variant == "window-1m" }).profile
        #expect(small.client.streamWindow == .kibibytes(64))
        #expect(small.client.connectionWindow == .mebibytes(1))
        #expect(large.client.streamWindow == .mebibytes(1))
        #expect(large.client.connectionWindow == .mebibytes(4))
        // Everything the variant does not mention is the base's.
        #expect(large.mix == loaded.base.mix && large.connections == 4 && large.client.maxFrameSize == .kibibytes(16))
    }

    @Test func variantsCanReplaceListsAndScalars() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            connections: 2
            sweep:
              variants:
                - name: base
                - name: unary
                  connections: 8
                  mix: [{grpc.unary: {requestSize: 1B, responseSize: 2B}}]
            """)
        #expect(loaded.cells.map(\.variant) == ["base", "unary"])
        #expect(loaded.cells[0].profile.connections == 2)
        #expect(loaded.cells[1].profile.connections == 8)
        #expect(loaded.cells[1].profile.mix.count == 1)
        #expect(loaded.cells[1].profile.mix[0].kind == .grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 1), responseSize: ByteCount(bytes: 2))))
        #expect(loaded.base.sweep.variants[0].overrides == "{}")
    }

    @Test func variantErrorsNameTheVariant() {
        let error = SampleProfiles.error(SampleProfiles.minimal + """

            sweep:
              variants:
                - {name: big-frames, client: {maxFrameSize: 1MiB}}
                - {name: huge-frames, client: {maxFrameSize: 32MiB}}
            """)
        #expect(error?.line == 8)
        #expect(error?.field == "client.maxFrameSize")
        #expect(error?.message == "`client.maxFrameSize` must be between 16KiB and 16777215B (RFC 9113 allows 16KiB to 16MiB-1), got 32MiB (in variant `huge-frames`)")
    }

    @Test func overridesApplyBeforeVariants() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.seed, overrides: [
            "client.connectionWindow=2MiB", "duration=3s", "sweep.threads=[1,2]", "mix[0].weight=5",
            "mix[0].grpc.serverStream.messages=60", "server.maxConcurrentStreams=10",
        ])
        #expect(loaded.base.duration == .seconds(3))
        #expect(loaded.base.sweep.threads == [1, 2])
        #expect(loaded.base.mix[0].weight == 5)
        #expect(loaded.base.server.maxConcurrentStreams == 10)
        guard case .grpcServerStream(let stream) = loaded.base.mix[0].kind else {
            Issue.record("mix[0] changed kind")
            return
        }
        #expect(stream.messages == 60 && stream.bursts.count == 1)
        #expect(loaded.cells.count == 2 * 2)
        // The variant still wins where it sets a value, the override shows where it does not.
        let small = try #require(loaded.cells.first { $0.variant == "window-64k" }).profile
        let large = try #require(loaded.cells.first { $0.variant == "window-1m" }).profile
        #expect(small.client.connectionWindow == .mebibytes(2))
        #expect(large.client.connectionWindow == .mebibytes(4))
        #expect(loaded.overrides.count == 6)
    }

    @Test func overridesCanCreateSectionsAndSwitchTargets() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal, overrides: [
            "server.threads=3", "target.url=h2c://10.0.0.1:80", "description=from the command line",
        ])
        #expect(loaded.base.server.threads == 3)
        #expect(loaded.base.target == .url("h2c://10.0.0.1:80"))
        #expect(loaded.base.description == "from the command line")
        let flow = try SampleProfiles.parse(SampleProfiles.minimal, overrides: [#"target={url: "h2c://h:1"}"#])
        #expect(flow.base.target == .url("h2c://h:1"))
    }

    @Test func badOverridesNameTheOverride() {
        let index = SampleProfiles.error(SampleProfiles.minimal, overrides: ["mix[3].weight=2"])
        #expect(index?.line == nil)
        #expect(index?.field == "mix")
        #expect(index?.message == "in `--set mix[3].weight=2`: `mix` has 1 entry; use an index below 1")
        let noEquals = SampleProfiles.error(SampleProfiles.minimal, overrides: ["duration"])
        #expect(noEquals?.message == "in `--set duration`: write the override as `path=value`, for example `--set duration=3s`")
        let listAsMap = SampleProfiles.error(SampleProfiles.minimal, overrides: ["mix.weight=2"])
        #expect(listAsMap?.message == "in `--set mix.weight=2`: `mix` is a list; address an entry with an index, e.g. `mix[0].weight`")
        let range = SampleProfiles.error(SampleProfiles.minimal, overrides: ["connections=0"])
        #expect(range?.message == "in `--set connections=0`: `connections` must be between 1 and 10000, got 0")
        let unknown = SampleProfiles.error(SampleProfiles.minimal, overrides: ["conections=2"])
        #expect(unknown?.message == "in `--set conections=2`: unknown field `conections`; did you mean `connections`?")
    }

    @Test func profileErrorDescriptionFormat() {
        let error = ProfileError(file: "profiles/x.yaml", line: 12, field: "connections", message: "`connections` must be ≥ 1, got 0")
        #expect(error.description == "profile `profiles/x.yaml`, line 12: `connections` must be ≥ 1, got 0")
        let noLine = ProfileError(file: "p.yaml", line: nil, field: "", message: "m")
        #expect(noLine.description == "profile `p.yaml`: m")
    }

    @Test func loadReportsMissingFiles() {
        do {
            _ = try ProfileLoader.load(path: "/nonexistent/profile.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "profile `/nonexistent/profile.yaml`: the file does not exist; check the path (shipped profiles are in `profiles/`)")
        }
    }

    @Test func resolvedProfilesRoundTripThroughJSON() throws {
        let cell = try SampleProfiles.parse(SampleProfiles.seed).cells[3]
        let data = try JSONEncoder().encode(cell)
        #expect(try JSONDecoder().decode(Cell.self, from: data) == cell)
    }
}
