import Foundation
import Testing
@testable import H2Profile

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

    @Test func h2cURLTargetsDecode() throws {
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
            "server.threads=3", "target.command=[./srv, \"{port}\", \"{threads}\"]", "description=from the command line",
        ])
        #expect(loaded.base.server.threads == 3)
        #expect(loaded.base.target == .command(ManagedTargetSpec(command: ["./srv", "{port}", "{threads}"])))
        #expect(loaded.base.description == "from the command line")
        let url = try SampleProfiles.parse(SampleProfiles.minimal, overrides: ["target.url=h2c://10.0.0.1:80"])
        #expect(url.base.target == .url("h2c://10.0.0.1:80"))
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

// MARK: - Deadlines, window credit, consumers and rate (issue 3)

extension ProfileTests {
    @Test func streamBehaviourDefaults() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.minimal).base
        #expect(profile.client.deadline == nil)
        #expect(profile.client.windowUpdate == .onReceive)
        #expect(profile.client.pendingMessageCredit == .grant)
        #expect(profile.client.connectionWindowUpdate == .onReceive, "grpc-go: connection credit on receipt")
        #expect(profile.client.sendGrpcTimeout, "the deadline reaches the server by default")
        #expect(profile.client.connectTimeout == .seconds(5))
        #expect(profile.consumers.isEmpty)
        #expect(profile.rate == nil)
    }

    @Test func decodesClientStreamBehaviour() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.minimal + """

            client:
              deadline: 2500ms
              windowUpdate: on-consume
              pendingMessageCredit: withhold
              connectTimeout: 750ms
            """).base
        #expect(profile.client.deadline == .milliseconds(2500))
        #expect(profile.client.windowUpdate == .onConsume)
        #expect(profile.client.pendingMessageCredit == .withhold)
        #expect(profile.client.connectTimeout == .milliseconds(750))
        let grant = try SampleProfiles.parse(SampleProfiles.minimal + "\nclient: {windowUpdate: on-consume, pendingMessageCredit: grant}").base
        #expect(grant.client.pendingMessageCredit == .grant && grant.client.windowUpdate == .onConsume)
        let receive = try SampleProfiles.parse(SampleProfiles.minimal + "\nclient: {windowUpdate: on-receive}").base
        #expect(receive.client.windowUpdate == .onReceive)
        let tied = try SampleProfiles.parse(SampleProfiles.minimal
            + "\nclient: {windowUpdate: on-consume, connectionWindowUpdate: on-consume, sendGrpcTimeout: false}").base
        #expect(tied.client.connectionWindowUpdate == .onConsume && !tied.client.sendGrpcTimeout)
        let split = try SampleProfiles.parse(SampleProfiles.minimal + "\nclient: {windowUpdate: on-consume}").base
        #expect(split.client.windowUpdate == .onConsume && split.client.connectionWindowUpdate == .onReceive)
    }

    @Test func decodesEveryDelayForm() throws {
        let profile = try SampleProfiles.parse(SampleProfiles.minimal + """

            consumers:
              - {share: 0.125, delay: 50ms}
              - {share: 0.125, delay: {fixed: 1s}}
              - {share: 0.125, delay: {uniform: [10ms, 100ms]}}
              - {share: 0.125, delay: {uniform: [5ms, 5ms]}}
              - {share: 0.125, delay: {exponential: 20ms}}
              - {share: 0.125, delay: {exponential: {mean: 3us}}}
              - {share: 0.125, delay: {perByte: 1MB/s}}
              - share: 0.125
                delay:
                  perByte: 64 KiB/s
            """).base
        #expect(profile.consumers.map(\.share) == Array(repeating: 0.125, count: 8))
        #expect(profile.consumers.map(\.delay) == [
            .fixed(.milliseconds(50)), .fixed(.seconds(1)),
            .uniform(.milliseconds(10), .milliseconds(100)), .uniform(.milliseconds(5), .milliseconds(5)),
            .exponential(mean: .milliseconds(20)), .exponential(mean: TimeSpan(nanoseconds: 3_000)),
            .perByte(bytesPerSecond: 1_000_000), .perByte(bytesPerSecond: 65_536),
        ])
    }

    @Test func sharesMayAddUpToExactlyOne() throws {
        let tenths = try SampleProfiles.parse(SampleProfiles.minimal + """

            consumers:
              - {share: 0.1, delay: 1ms}
              - {share: 0.2, delay: 2ms}
              - {share: 0.7, delay: 3ms}
            """).base
        #expect(tenths.consumers.map(\.share) == [0.1, 0.2, 0.7])
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nconsumers: [{share: 1, delay: 0s}]").base.consumers.count == 1)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nconsumers: []").base.consumers.isEmpty)
    }

    @Test func decodesRate() throws {
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: 2000").base.rate == 2000)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: 2000/s").base.rate == 2000)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: 1_000_000").base.rate == 1_000_000)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: 1").base.rate == 1)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: 1500.5").base.rate == 1500.5)
        #expect(try SampleProfiles.parse(SampleProfiles.minimal + "\nrate: ~").base.rate == nil)
    }

    /// Each case: YAML appended to the minimal profile, the field, the line and the message.
    static let streamBehaviourErrors: [(yaml: String, field: String, line: Int?, message: String)] = [
        ("client: {deadline: 2h}", "client.deadline", 5,
         "`client.deadline` must be at most 1h, got 2h; split long runs into repeats"),
        ("client: {deadline: soon}", "client.deadline", 5,
         "`client.deadline`: write a time like `10s` or `250ms`, got `soon`"),
        ("client: {connectTimeout: 0}", "client.connectTimeout", 5,
         "`client.connectTimeout` must be longer than 0s, got `0`; write a time like `10s`"),
        ("client: {windowUpdate: lazy}", "client.windowUpdate", 5,
         "`client.windowUpdate`: write `on-receive` or `on-consume`, got `lazy`"),
        ("client: {windowUpdate: onReceive}", "client.windowUpdate", 5,
         "`client.windowUpdate`: write `on-receive` or `on-consume`, got `onReceive`; did you mean `on-receive`?"),
        ("client: {windowUpdate: [on-consume]}", "client.windowUpdate", 5,
         "`client.windowUpdate`: write `on-receive` or `on-consume`, got a list"),
        ("client: {windowUpdate: on-consume, pendingMessageCredit: witthold}", "client.pendingMessageCredit", 5,
         "`client.pendingMessageCredit`: write `grant` or `withhold`, got `witthold`; did you mean `withhold`?"),
        ("client: {windowUpdate: on-receive, pendingMessageCredit: grant}", "client.pendingMessageCredit", 5,
         "`client.pendingMessageCredit` applies only when credit is returned on consumption, but `client.windowUpdate` is `on-receive`; add `windowUpdate: on-consume` to `client`, or remove `pendingMessageCredit`"),
        ("client: {windowUpdate: on-consume, connectionWindowUpdate: later}", "client.connectionWindowUpdate", 5,
         "`client.connectionWindowUpdate`: write `on-receive` or `on-consume`, got `later`"),
        ("client: {connectionWindowUpdate: on-consume}", "client.connectionWindowUpdate", 5,
         "`client.connectionWindowUpdate: on-consume` ties connection credit to the consumer, but `client.windowUpdate` is `on-receive` (the default), so no consumer returns credit; add `windowUpdate: on-consume` to `client`, or remove `connectionWindowUpdate`"),
        ("client: {sendGrpcTimeout: sometimes}", "client.sendGrpcTimeout", 5,
         "`client.sendGrpcTimeout`: write `true` or `false`, got `sometimes`"),
        ("client: {consumers: []}", "client.consumers", 5,
         "unknown field `consumers` in `client`; it is a top-level field; move it out of `client`"),
        ("windowUpdate: on-consume", "windowUpdate", 5,
         "unknown field `windowUpdate`; it belongs in `client`, e.g. `client: {windowUpdate: on-consume}`"),
        ("consumers: {share: 1, delay: 1ms}", "consumers", 5,
         "`consumers`: write a list of entries like `- {share: 0.5, delay: 50ms}`, got a mapping"),
        ("consumers: [{delay: 1ms}]", "consumers[0].share", 5,
         "`consumers[0].share` is missing; add `share:` with the fraction of streams, e.g. `share: 0.5` (`share: 1` for all streams)"),
        ("consumers: [{share: 1}]", "consumers[0].delay", 5,
         "`consumers[0].delay` is missing; add `delay:`, e.g. `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`"),
        ("consumers: [{share: 0, delay: 1ms}]", "consumers[0].share", 5,
         "`consumers[0].share` must be above 0 and at most 1 (a fraction of streams), got 0"),
        ("consumers: [{share: 1.5, delay: 1ms}]", "consumers[0].share", 5,
         "`consumers[0].share` must be above 0 and at most 1 (a fraction of streams), got 1.5"),
        ("consumers: [{share: -0.5, delay: 1ms}]", "consumers[0].share", 5,
         "`consumers[0].share`: write a fraction of streams between 0 and 1, e.g. `0.25`, got `-0.5`"),
        ("consumers: [{share: 1, delay: 1ms, speed: 2}]", "consumers[0].speed", 5,
         "unknown field `speed` in `consumers[0]`; remove it or use one of `share`, `delay`"),
        ("consumers: [{share: 1, delay: slow}]", "consumers[0].delay", 5,
         "`consumers[0].delay`: write a delay like `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`, got `slow`"),
        ("consumers: [{share: 1, delay: 50mss}]", "consumers[0].delay", 5,
         "`consumers[0].delay`: write a delay like `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`, got `50mss`; unknown unit `mss`; did you mean `ms`?"),
        ("consumers: [{share: 1, delay: uniform}]", "consumers[0].delay", 5,
         "`consumers[0].delay`: `uniform` needs its parameters; write it as a mapping, e.g. `{uniform: [10ms, 100ms]}`"),
        ("consumers: [{share: 1, delay: {}}]", "consumers[0].delay", 5,
         "`consumers[0].delay` is empty; write a delay like `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`"),
        ("consumers: [{share: 1, delay: {fixed: 1ms, exponential: 2ms}}]", "consumers[0].delay", 5,
         "`consumers[0].delay` has `fixed` and `exponential`; give exactly one delay kind"),
        ("consumers: [{share: 1, delay: {gaussian: 2ms}}]", "consumers[0].delay.gaussian", 5,
         "unknown delay kind `gaussian` in `consumers[0].delay`; use one of `fixed`, `uniform`, `exponential` or `perByte`, e.g. `50ms`, `{uniform: [10ms, 100ms]}`, `{exponential: 20ms}` or `{perByte: 1MB/s}`"),
        ("consumers: [{share: 1, delay: {uniform: 10ms}}]", "consumers[0].delay.uniform", 5,
         "`consumers[0].delay.uniform`: write the smallest and largest delay as a list, e.g. `{uniform: [10ms, 100ms]}`, got `10ms`"),
        ("consumers: [{share: 1, delay: {uniform: [1ms, 2ms, 3ms]}}]", "consumers[0].delay.uniform", 5,
         "`consumers[0].delay.uniform`: write the smallest and largest delay as a list, e.g. `{uniform: [10ms, 100ms]}`, got a list"),
        ("consumers: [{share: 1, delay: {uniform: [1ms, 2h]}}]", "consumers[0].delay.uniform[1]", 5,
         "`consumers[0].delay.uniform[1]` must be at most 1h, got 2h; split long runs into repeats"),
        ("consumers: [{share: 1, delay: {exponential: 0ms}}]", "consumers[0].delay.exponential", 5,
         "`consumers[0].delay.exponential` (the mean delay) must be longer than 0s, got `0ms`; write a time like `20ms`, or `delay: 0s` for no delay"),
        ("consumers: [{share: 1, delay: {exponential: {average: 1ms}}}]", "consumers[0].delay.exponential.average", 5,
         "unknown field `average` in `consumers[0].delay.exponential`; remove it or use one of `mean`"),
        ("consumers: [{share: 1, delay: {perByte: 0B/s}}]", "consumers[0].delay.perByte", 5,
         "`consumers[0].delay.perByte` must be above 0B/s, got `0B/s`; write a rate like `1MB/s`"),
        ("consumers: [{share: 1, delay: {perByte: 1MB/ms}}]", "consumers[0].delay.perByte", 5,
         "`consumers[0].delay.perByte`: write a rate like `1MB/s` or `64KiB/s`, got `1MB/ms`; give the rate per second (`/s`), got `/ms`"),
        ("consumers: [{share: 1, delay: {perByte: 1mb/s}}]", "consumers[0].delay.perByte", 5,
         "`consumers[0].delay.perByte`: write a rate like `1MB/s` or `64KiB/s`, got `1mb/s`; did you mean `1MB`?"),
        ("rate: fast", "rate", 5,
         "`rate`: write the number of streams to start per second, e.g. `rate: 2000`, got `fast`"),
        ("rate: 0.5", "rate", 5,
         "`rate` must be between 1 and 1000000 streams per second, got 0.5; remove `rate` for a closed-loop run"),
        ("rate: 2000001", "rate", 5,
         "`rate` must be between 1 and 1000000 streams per second, got 2000001; remove `rate` for a closed-loop run"),
        ("rate: -5", "rate", 5,
         "`rate`: write the number of streams to start per second, e.g. `rate: 2000`, got `-5`"),
        ("rate: .nan", "rate", 5,
         "`rate`: write the number of streams to start per second, e.g. `rate: 2000`, got `.nan`"),
    ]

    @Test(arguments: 0..<streamBehaviourErrors.count)
    func streamBehaviourErrorsSayWhatToWrite(index: Int) {
        let (yaml, field, line, message) = Self.streamBehaviourErrors[index]
        let error = SampleProfiles.error(SampleProfiles.minimal + "\n" + yaml)
        #expect(error?.field == field)
        #expect(error?.line == line)
        #expect(error?.message == message)
    }

    @Test func variantsOverrideTheNewFields() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            client: {streamWindow: 64KiB, windowUpdate: on-consume, pendingMessageCredit: withhold, deadline: 3s}
            consumers: [{share: 0.5, delay: 10ms}]
            sweep:
              variants:
                - {name: base}
                - {name: slow, consumers: [{share: 1, delay: 100ms}]}
                - {name: grant, client: {pendingMessageCredit: grant}}
                - {name: auto, client: {windowUpdate: on-receive, pendingMessageCredit: ~, deadline: ~}}
                - {name: fast, consumers: []}
                - {name: open, rate: 500, client: {connectTimeout: 1s}}
            """)
        func profile(_ name: String) throws -> Profile { try #require(loaded.cells.first { $0.variant == name }).profile }
        let base = try profile("base")
        #expect(base.consumers == [ConsumerSpec(share: 0.5, delay: .fixed(.milliseconds(10)))])
        #expect(base.client.pendingMessageCredit == .withhold && base.client.deadline == .seconds(3))
        let slow = try profile("slow")
        #expect(slow.consumers == [ConsumerSpec(share: 1, delay: .fixed(.milliseconds(100)))])
        #expect(slow.client == base.client)
        let grant = try profile("grant")
        #expect(grant.client.pendingMessageCredit == .grant)
        #expect(grant.client.windowUpdate == .onConsume && grant.client.streamWindow == .kibibytes(64) && grant.client.deadline == .seconds(3))
        #expect(grant.consumers == base.consumers)
        let auto = try profile("auto")
        #expect(auto.client.windowUpdate == .onReceive && auto.client.pendingMessageCredit == .grant && auto.client.deadline == nil)
        #expect(auto.client.streamWindow == .kibibytes(64))
        #expect(try profile("fast").consumers.isEmpty)
        let open = try profile("open")
        #expect(open.rate == 500 && open.client.connectTimeout == .seconds(1) && base.rate == nil)
        #expect(loaded.base.sweep.variants[1].overrides == "{consumers: [{share: 1, delay: 100ms}]}")
    }

    @Test func variantThatDropsOnConsumeNamesTheVariant() {
        let error = SampleProfiles.error(SampleProfiles.minimal + """

            client: {windowUpdate: on-consume, pendingMessageCredit: withhold}
            sweep:
              variants:
                - {name: auto, client: {windowUpdate: on-receive}}
            """)
        #expect(error?.line == 5)
        #expect(error?.field == "client.pendingMessageCredit")
        #expect(error?.message == "`client.pendingMessageCredit` applies only when credit is returned on consumption, but `client.windowUpdate` is `on-receive`; add `windowUpdate: on-consume` to `client`, or remove `pendingMessageCredit`; a variant removes it with `pendingMessageCredit: ~` (in variant `auto`)")
    }

    @Test func overridesReachTheNewFields() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + "\nconsumers: [{share: 0.5, delay: 10ms}]", overrides: [
            "client.deadline=1s", "client.windowUpdate=on-consume", "client.pendingMessageCredit=withhold",
            "consumers[0].delay={uniform: [1ms, 2ms]}", "rate=100",
        ])
        #expect(loaded.base.client.deadline == .seconds(1))
        #expect(loaded.base.client.windowUpdate == .onConsume && loaded.base.client.pendingMessageCredit == .withhold)
        #expect(loaded.base.consumers == [ConsumerSpec(share: 0.5, delay: .uniform(.milliseconds(1), .milliseconds(2)))])
        #expect(loaded.base.rate == 100)
        let bad = SampleProfiles.error(SampleProfiles.minimal, overrides: ["client.deadline=0s"])
        #expect(bad?.message == "in `--set client.deadline=0s`: `client.deadline` must be longer than 0s, got `0s`; write a time like `3s`, or remove the field for no deadline")
    }

    @Test func newFieldsRoundTripThroughJSON() throws {
        let loaded = try SampleProfiles.parse(SampleProfiles.minimal + """

            rate: 2000
            client: {deadline: 3s, windowUpdate: on-consume, pendingMessageCredit: withhold, connectTimeout: 2s}
            consumers:
              - {share: 0.25, delay: 50ms}
              - {share: 0.25, delay: {uniform: [10ms, 100ms]}}
              - {share: 0.25, delay: {exponential: 20ms}}
              - {share: 0.25, delay: {perByte: 1MB/s}}
            """)
        let cell = try #require(loaded.cells.first)
        let data = try JSONEncoder().encode(cell)
        #expect(try JSONDecoder().decode(Cell.self, from: data) == cell)
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(#""windowUpdate":"on-consume""#))
        #expect(text.contains(#""pendingMessageCredit":"withhold""#))
        #expect(text.contains(#""rate":2000"#))
    }
}
