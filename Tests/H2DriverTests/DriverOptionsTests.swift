import H2Driver
import H2Loop
import H2Profile
import H2Wire
import Testing

/// `Driver.Options(cell:…)` is the one place a cell becomes driver options: every client
/// field, the mix, consumers, faults, rate, seed and cell id arrive, each with a value that is
/// not its default (so a field the mapping forgets fails here).
struct DriverOptionsTests {
    static let yaml = """
        name: every-field
        duration: 3s
        warmup: 250ms
        connections: 6
        streamsPerConnection: 7
        seed: 40
        totalStreams: 900
        rate: 1500
        mix:
          - {weight: 3, grpc.serverStream: {messages: 4, size: 100B, interval: 10ms}}
          - {weight: 2, http.get: {size: 1KiB}}
        client:
          streamWindow: 1MiB
          connectionWindow: 8MiB
          maxFrameSize: 32KiB
          headerTableSize: 8KiB
          stamp: false
          checksum: all
          deadline: 2s
          sendGrpcTimeout: false
          windowUpdate: on-consume
          connectionWindowUpdate: on-consume
          pendingMessageCredit: withhold
          connectTimeout: 1500ms
          keepalive: {interval: 20s, timeout: 3s}
        consumers:
          - {share: 0.5, delay: 50ms}
        faults:
          - {kind: rst, share: 0.1, after: 3}
        sweep: {threads: [2], variants: [{name: v1}]}
        """

    @Test("every client field, the mix and the cell's identity reach the driver")
    func everyFieldArrives() throws {
        let loaded = try ProfileLoader.parse(yaml: Self.yaml, file: "every-field.yaml")
        let cell = try #require(loaded.cells.first)
        let tls = TLSClientConfig(serverName: "example.test")
        let o = Driver.Options(cell: cell, stampsBodies: true, tls: tls)
        #expect(o.threads == 2 && o.connections == 6 && o.streamsPerConnection == 7)
        #expect(o.weights == [3, 2] && o.plans.count == 2)
        #expect(o.plans.allSatisfy { !$0.stamped }, "client.stamp: false wins over a stamping target")
        #expect(o.settings.initialWindowSize == 1 << 20 && o.settings.connectionWindowSize == 8 << 20)
        #expect(o.settings.maxFrameSize == 32 << 10 && o.settings.headerTableSize == 8 << 10)
        #expect(o.warmupNanoseconds == 250_000_000 && o.durationNanoseconds == 3_000_000_000)
        #expect(o.totalStreams == 900)
        #expect(o.seed == 40 &+ UInt64(cell.index))
        #expect(o.rate == 1500)
        #expect(o.deadline == 2_000_000_000 && !o.sendGrpcTimeout)
        #expect(o.windowUpdate == .onConsume && o.connectionWindowUpdate == .onConsume)
        #expect(o.pendingMessageCredit == .withhold)
        #expect(o.connectTimeout == 1_500_000_000)
        #expect(o.keepalive?.interval == 20_000_000_000 && o.keepalive?.timeout == 3_000_000_000)
        #expect(o.consumers == loaded.base.consumers && o.consumers.count == 1)
        #expect(o.faults == loaded.base.faults && o.faults.count == 1)
        #expect(o.tls == tls)
        #expect(o.cellID == cell.id && !cell.id.isEmpty)
    }

    @Test("--streams overrides totalStreams; a target that does not stamp turns stamps off")
    func runOverrides() throws {
        var yaml = Self.yaml.replacingOccurrences(of: "  stamp: false\n", with: "")
        yaml = yaml.replacingOccurrences(of: "  checksum: all\n", with: "")
        let cell = try #require(try ProfileLoader.parse(yaml: yaml, file: "every-field.yaml").cells.first)
        #expect(Driver.Options(cell: cell, stampsBodies: true, tls: nil, totalStreams: 5).totalStreams == 5)
        #expect(Driver.Options(cell: cell, stampsBodies: true, tls: nil).plans.contains { $0.stamped })
        #expect(Driver.Options(cell: cell, stampsBodies: false, tls: nil).plans.allSatisfy { !$0.stamped })
    }
}
