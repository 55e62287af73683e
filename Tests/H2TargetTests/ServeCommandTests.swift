import Foundation
import H2Target
import H2TestSupport
import Testing
import H2Wire
import H2Bench

/// `h2stress serve` as a separate process: h2load and grpcio reach it on the port it prints,
/// and it stops cleanly on SIGINT with its summary line.
@Suite("h2stress serve (subprocess)", .serialized,
       .disabled(if: InteropEnvironment.h2stressExecutable == nil && !InteropEnvironment.isCI,
                 "h2stress executable not found next to the test bundle (run `swift build --build-tests`)"),
       .disabled(if: InteropEnvironment.skipWithoutH2load, "h2load not found (run scripts/setup.sh)"))
struct ServeCommandTests {
    @Test("serve prints its port, answers h2load and grpcio, stops on SIGINT with exit 0")
    func serveAnswersAndStops() async throws {
        let exe = try #require(InteropEnvironment.h2stressExecutable, "h2stress executable not found next to the test bundle")
        let h2load = try #require(InteropEnvironment.h2load, "CI is set but h2load is missing: scripts/setup.sh should have installed nghttp2-client")
        let serve = try Subprocess(exe, ["serve", "--port", "0", "--threads", "1", "--duration", "60s"], lifetime: 90)
        let listening = await serve.line(containing: "listening on", timeout: 20)
        let line = try #require(listening, "no `listening on` line within 20 s: \(serve.stdout)")
        let portText = line.split(separator: "127.0.0.1:").last.map { String($0.prefix(while: \.isNumber)) } ?? ""
        let port = try #require(UInt16(portText), "no port in `\(line)`")

        let n = 300, size = 100_000
        let load = try await Subprocess.run(h2load, ["-n", "\(n)", "-c", "3", "-m", "10", "-t", "1",
                                                       "http://127.0.0.1:\(port)/bytes/\(size)"], timeout: 60)
        let summary = try #require(H2LoadSummary(output: load.stdout), "\(load)")
        #expect(summary.requests["succeeded"] == n, "\(load)")
        #expect(summary.statusCodes["2xx"] == n)

        var expectedBytes = n * size
        if InteropEnvironment.grpcAvailable, let python3 = InteropEnvironment.python3 {
            let grpc = try await Subprocess.run(python3, [InteropEnvironment.grpcClientScript, "--target", "127.0.0.1:\(port)",
                                                            "unary", "--size", "5000"], timeout: 60)
            #expect(grpc.status == 0, "\(grpc)")
            expectedBytes += 5 + PayloadResponseLayout.encodedLength(bodySize: 5000)   // gRPC prefix + SimpleResponse
        }

        serve.send(SIGINT)
        let status = await serve.exitStatus(timeout: 20)
        #expect(status == 0, "h2stress serve did not exit 0 within 20 s of SIGINT: \(serve.commandLine)\n\(serve.stdout)")
        #expect(!serve.killedAtDeadline)
        #expect(serve.stdout.contains("\(expectedBytes) DATA bytes sent"), "\(serve.stdout)")
    }
}
