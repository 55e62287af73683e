import Foundation
import Testing
import H2Results

/// `grpc.call` against servers no one here wrote: the schema-less echo service
/// `h2stress.echo.Echo` of the grpcio server (`interop/grpc_server.py`) and of the grpc-go server
/// (`interop/grpcgo`), started as managed targets. Every outcome a generic call can have comes
/// from the real stack (metadata asks it to stop early, fail, or answer another size), and slow
/// consumers and deadlines act on these calls as on the built-in kinds.
@Suite("grpc.call → grpcio and grpc-go echo services (managed targets)", .serialized)
struct EchoServiceInteropTests {
    enum Server: String, CaseIterable, CustomTestStringConvertible {
        case grpcio, grpcGo
        var testDescription: String { rawValue }

        var skipped: Bool { self == .grpcio ? InteropEnvironment.skipWithoutGRPC : InteropEnvironment.skipWithoutGRPCGo }

        func command() throws -> String {
            let argv: [String]
            switch self {
            case .grpcio:
                let python3 = try #require(InteropEnvironment.python3, "CI is set but python3 is missing")
                try #require(InteropEnvironment.grpcAvailable, "CI is set but `\(python3)` cannot import grpc")
                argv = [python3, InteropEnvironment.repositoryRoot.appendingPathComponent("interop/grpc_server.py").path, "--port", "{port}"]
            case .grpcGo:
                argv = [try #require(InteropEnvironment.grpcGo, "CI is set but .build-go/h2stress-grpcgo is missing"), "serve", "-port", "{port}"]
            }
            return "[" + argv.map(ManagedTargetRun.quoted).joined(separator: ", ") + "]"
        }
    }

    static let unary = "/h2stress.echo.Echo/Unary"
    static let stream = "/h2stress.echo.Echo/Stream"

    @Test("every outcome of grpc.call from a real stack: complete (fixed and open), fewer messages, wrong status, expected status, wrong size, deadline, slow consumers",
          arguments: Server.allCases)
    func outcomes(server: Server) throws {
        guard !server.skipped else { return }
        let run = try ManagedTargetRun.run(yaml: """
            name: echo-\(server.rawValue)
            target: {command: \(try server.command()), ready: {timeout: 30s}}
            duration: 30s
            totalStreams: 16
            connections: 2
            streamsPerConnection: 4
            mix: [{grpc.call: {method: \(Self.unary)}}]
            sweep:
              variants:
                - {name: unary, mix: [{grpc.call: {method: \(Self.unary), request: {text: hello}, expect: {messages: 1, messageSize: 5B}}}]}
                - {name: unary-open, mix: [{grpc.call: {method: \(Self.unary), request: 1KiB}}]}
                - {name: stream, mix: [{grpc.call: {method: \(Self.stream), request: 100B, metadata: {echo-repeat: "5"}, expect: {messages: 5, messageSize: 100B}}}]}
                - {name: fewer, mix: [{grpc.call: {method: \(Self.stream), request: 100B, metadata: {echo-repeat: "5", echo-stop-after: "3"}, expect: {messages: 5}}}]}
                - {name: status, mix: [{grpc.call: {method: \(Self.stream), metadata: {echo-status: "5"}}}]}
                - {name: expected-status, mix: [{grpc.call: {method: \(Self.unary), metadata: {echo-status: "5"}, expect: {status: NOT_FOUND, messages: 0}}}]}
                - {name: wrong-size, mix: [{grpc.call: {method: \(Self.stream), request: 100B, metadata: {echo-size: "7"}, expect: {messageSize: 100B}}}]}
                - {name: deadline, client: {deadline: 300ms}, mix: [{grpc.call: {method: \(Self.stream), metadata: {echo-repeat: "5", echo-interval-ms: "200"}, expect: {messages: 5}}}]}
                - name: slow-consumer
                  consumers: [{share: 1, delay: 20ms}]
                  client: {windowUpdate: on-consume}
                  mix: [{grpc.call: {method: \(Self.stream), request: 1KiB, metadata: {echo-repeat: "10"}, expect: {messages: 10, messageSize: 1KiB}}}]
            """)
        func cell(_ name: String) throws -> CellResult { try #require(run.cell("\(name)/t1/s1/r1"), "\(run.result.cells.map(\.id))") }
        func describe(_ c: CellResult) -> String { "\(c.id): \(c.streams) \(c.failures.prefix(2).map(\.detail)) \(c.connectionErrors.prefix(2))" }

        for name in ["unary", "unary-open", "stream", "expected-status", "slow-consumer"] {
            let c = try cell(name)
            #expect(c.streams.complete == 16 && c.streams.failed == 0, "\(describe(c))")
        }
        #expect(try cell("unary").completeSizeUnverified == nil && cell("unary").messagesReceived == 16)
        #expect(try cell("unary-open").completeSizeUnverified == 16, "no expect.messages: judged by status only")
        #expect(try cell("unary-open").bytesReceived == 16 * (5 + 1024), "the 1 KiB filler message came back whole")
        #expect(try cell("stream").messagesReceived == 16 * 5)
        let slow = try cell("slow-consumer")
        #expect(slow.consumers.slowStreams == 16, "\(slow.consumers)")
        // Ground truth: a consumer that waits 20 ms before each of 10 messages has taken the last
        // one no sooner than 200 ms after the stream began.
        #expect(slow[.consumedDuration].min >= 200_000, "consumedDuration \(slow[.consumedDuration])")

        let fewer = try cell("fewer")
        #expect(fewer.streams.truncated == 16, "\(describe(fewer))")
        #expect(fewer.failures.first?.detail.hasPrefix("grpc-status 0 after 3/5 messages") == true, "\(describe(fewer))")
        let status = try cell("status")
        #expect(status.streams.statusError == 16, "\(describe(status))")
        #expect(status.failures.first?.detail.hasPrefix("grpc-status 5 (NOT_FOUND) after 3/any messages") == true, "\(describe(status))")
        let wrongSize = try cell("wrong-size")
        #expect(wrongSize.streams.integrity == 16, "\(describe(wrongSize))")
        #expect(wrongSize.failures.first?.detail == "message 0: 7 bytes, expected 100", "\(describe(wrongSize))")
        let deadline = try cell("deadline")
        #expect(deadline.streams.deadline == 16, "\(describe(deadline))")
        for c in run.result.cells { #expect(c.target?.exitedEarly == false, "\(c.id)") }
    }
}
