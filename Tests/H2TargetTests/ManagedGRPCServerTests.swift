import Foundation
import Testing
import H2Target
import H2Profile
import H2Driver

/// The driver against a server no one here wrote: python grpcio (`interop/grpc_server.py`,
/// generic handlers) started as a managed target for each cell.
@Suite("driver → python grpcio server (managed target)", .serialized,
       .disabled(if: InteropEnvironment.skipWithoutGRPC, "python3 with grpcio + protobuf not found (run scripts/setup.sh)"))
struct ManagedGRPCServerTests {
    static var serverScript: String { InteropEnvironment.repositoryRoot.appendingPathComponent("interop/grpc_server.py").path }

    static func command(_ extra: [String] = []) throws -> String {
        let python3 = try #require(InteropEnvironment.python3, "CI is set but python3 is missing: scripts/setup.sh should have installed it")
        try #require(InteropEnvironment.grpcAvailable, "CI is set but `\(python3)` cannot import grpc/google.protobuf")
        return "[" + ([python3, serverScript, "--port", "{port}"] + extra).map(ManagedTargetRun.quoted).joined(separator: ", ") + "]"
    }

    @Test("StreamingOutputCall (bursts across frame and window sizes) and UnaryCall: every stream complete, exact sizes")
    func everyStreamComplete() throws {
        let streamKind = StreamKind.grpcServerStream(ServerStreamSpec(
            messages: 12, size: ByteCount(bytes: 1000), interval: .milliseconds(1),
            bursts: [Burst(at: 0, size: ByteCount(bytes: 0)), Burst(at: 3, size: ByteCount(bytes: 16_385)),
                     Burst(at: 5, size: ByteCount(bytes: 65_536)), Burst(at: 8, size: ByteCount(bytes: 1 << 20))]))
        let unaryKind = StreamKind.grpcUnary(UnarySpec(requestSize: ByteCount(bytes: 100), responseSize: ByteCount(bytes: 70_000)))
        let yaml = """
            name: grpcio
            target: {command: \(try Self.command()), ready: {timeout: 30s}}
            duration: 30s
            totalStreams: 40
            connections: 2
            streamsPerConnection: 4
            client: {stamp: true}
            mix:
              - grpc.serverStream: {messages: 12, size: 1000B, interval: 1ms, bursts: [{at: 0, size: 0B}, {at: 3, size: 16385B}, {at: 5, size: 64KiB}, {at: 8, size: 1MiB}]}
            sweep:
              variants:
                - {name: streaming}
                - {name: unary, mix: [{grpc.unary: {requestSize: 100B, responseSize: 70000B}}]}
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 2)
        for (id, kind) in [("streaming/t1/s1/r1", streamKind), ("unary/t1/s1/r1", unaryKind)] {
            let cell = try #require(run.cell(id))
            // stamp: true in the profile, but only the embedded target stamps: the plan must not ask.
            let plan = PlanBuilder.plan(for: kind, stamped: false)
            #expect(cell.streams.complete == 40, "\(id): \(cell.streams) \(cell.failures.prefix(3)) \(cell.connectionErrors)")
            #expect(cell.streams.failed == 0, "\(id): \(cell.streams)")
            #expect(cell.streamsStarted == 40)
            #expect(cell.messagesReceived == 40 * plan.expectedMessages)
            #expect(cell.bytesReceived == 40 * plan.expectedBytes)
            let target = try #require(cell.target)
            #expect(!target.exitedEarly, "\(target)")
            #expect(target.exitStatus == "exit 0", "SIGTERM is handled by grpc_server.py: graceful stop")
            #expect(target.cpuSeconds > 0 && target.peakRSSBytes > 1 << 20)
            #expect(run.targetFiles[target.stdoutFile]?.contains("listening on 127.0.0.1:") == true)
        }
    }

    @Test("0 B … 1 MiB bodies from grpcio in its runtime encoding and in another valid one (defaults written, fields reordered, an unknown field): every stream complete")
    func bodiesOfEverySizeInEveryEncodingComplete() throws {
        let yaml = """
            name: grpcio-encodings
            target: {command: \(try Self.command()), ready: {timeout: 30s}}
            duration: 30s
            totalStreams: 24
            connections: 2
            streamsPerConnection: 4
            mix:
              - grpc.serverStream: {messages: 8, size: 1000B, interval: 1ms, bursts: [{at: 0, size: 0B}, {at: 1, size: 1B}, {at: 3, size: 64KiB}, {at: 5, size: 1MiB}, {at: 7, size: 0B}]}
            sweep:
              variants:
                - {name: runtime-streaming}
                - {name: runtime-unary-empty, mix: [{grpc.unary: {requestSize: 0B, responseSize: 0B}}]}
                - {name: explicit-streaming, target: {command: \(try Self.command(["--encoding", "explicit"]))}}
                - {name: explicit-unary-empty, target: {command: \(try Self.command(["--encoding", "explicit"]))}, mix: [{grpc.unary: {requestSize: 0B, responseSize: 0B}}]}
                - {name: explicit-unary-large, target: {command: \(try Self.command(["--encoding", "explicit"]))}, mix: [{grpc.unary: {requestSize: 100B, responseSize: 1MiB}}]}
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 5)
        for cell in run.result.cells {
            #expect(cell.streams.complete == 24 && cell.streams.failed == 0,
                    "\(cell.id): \(cell.streams) \(cell.failures.prefix(2)) \(cell.connectionErrors.prefix(2))")
            #expect(cell.streams.integrity == 0)
        }
    }

    @Test("a target that dies mid-cell: open streams end connection-lost with a reason, the exit is noted, the next cell runs")
    func targetDiesMidCell() throws {
        let yaml = """
            name: grpcio-dies
            target: {command: \(try Self.command(["--exit-after", "1.0"])), ready: {timeout: 30s}}
            duration: 3s
            connections: 1
            streamsPerConnection: 4
            mix:
              - grpc.serverStream: {messages: 200, size: 100B, interval: 20ms}
            sweep:
              variants:
                - {name: dies}
                - {name: healthy, target: {command: \(try Self.command())}, totalStreams: 8, mix: [{grpc.serverStream: {messages: 5, size: 100B}}]}
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 2)
        let dies = try #require(run.cell("dies/t1/s1/r1"))
        #expect(dies.streams.connectionLost >= 4, "\(dies.streams)")
        #expect(dies.streams.complete == 0, "4 s streams cannot finish on a server that lives 1 s: \(dies.streams)")
        #expect(dies.failures.contains { $0.outcome == .connectionLost && !$0.detail.isEmpty }, "\(dies.failures.prefix(2))")
        let target = try #require(dies.target)
        #expect(target.exitedEarly && target.exitCode == 3, "\(target)")
        #expect(dies.notes.contains { $0.contains("target exited during the cell (exit 3)") }, "\(dies.notes)")
        #expect(run.targetFiles[target.stderrFile]?.contains("exiting abruptly") == true)

        let healthy = try #require(run.cell("healthy/t1/s1/r1"))
        #expect(healthy.streams.complete == 8, "\(healthy.streams) \(healthy.connectionErrors)")
        #expect(healthy.streams.failed == 0)
        #expect(healthy.target?.exitedEarly == false)
    }
}
