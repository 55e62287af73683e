import Foundation
import Testing
import H2Target

/// The driver against grpc-go (1.33, Debian's `golang-google-grpc-dev`), the stack the seed
/// scenario was measured on: `interop/grpcgo` serves `grpc.testing.TestService` and is started
/// per cell as a managed target. Bodies of every size here; the seed case, compared with
/// grpc-go's own client, in ``GRPCGoSeedTimingTests``.
@Suite("driver → grpc-go server (managed target)", .serialized,
       .disabled(if: InteropEnvironment.skipWithoutGRPCGo, "`.build-go/h2stress-grpcgo` not built (run interop/grpcgo/build.sh; scripts/test.sh does)"))
struct GRPCGoInteropTests {
    static func server() throws -> String {
        try #require(InteropEnvironment.grpcGo, "CI is set but .build-go/h2stress-grpcgo is missing: scripts/test.sh should have built it (interop/grpcgo/build.sh)")
    }

    @Test("0 B … 1 MiB bodies from grpc-go (Go protobuf encodings): every stream complete, no false integrity")
    func bodiesOfEverySizeComplete() throws {
        let command = "[" + [try Self.server(), "serve", "-port", "{port}"].map(ManagedTargetRun.quoted).joined(separator: ", ") + "]"
        let yaml = """
            name: grpcgo-sizes
            target: {command: \(command), ready: {timeout: 20s}}
            duration: 30s
            totalStreams: 40
            connections: 2
            streamsPerConnection: 4
            mix:
              - grpc.serverStream: {messages: 12, size: 1000B, interval: 1ms, bursts: [{at: 0, size: 0B}, {at: 1, size: 1B}, {at: 3, size: 16385B}, {at: 5, size: 64KiB}, {at: 8, size: 1MiB}, {at: 11, size: 0B}]}
            sweep:
              variants:
                - {name: streaming}
                - {name: unary-empty, mix: [{grpc.unary: {requestSize: 0B, responseSize: 0B}}]}
                - {name: unary-large, mix: [{grpc.unary: {requestSize: 100B, responseSize: 1MiB}}]}
            """
        let run = try ManagedTargetRun.run(yaml: yaml)
        #expect(run.result.cells.count == 3)
        for cell in run.result.cells {
            #expect(cell.streams.complete == 40 && cell.streams.failed == 0, "\(cell.id): \(cell.streams) \(cell.failures.prefix(3)) \(cell.connectionErrors.prefix(2))")
            #expect(cell.streams.integrity == 0)
            #expect(cell.target?.exitedEarly == false)
        }
    }
}
