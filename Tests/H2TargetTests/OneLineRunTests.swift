import Foundation
import H2TestSupport
import Testing

/// `h2stress run --url …` as a user types it, as a process: against `h2stress serve`, and the
/// README's three-command recipe from a `.proto` to a gRPC load against the grpc-go echo service.
@Suite(.serialized, .disabled(if: InteropEnvironment.h2stressExecutable == nil && !InteropEnvironment.isCI,
                              "h2stress executable not found next to the test bundle"))
struct OneLineRunTests {
    static func executable() throws -> String {
        try #require(InteropEnvironment.h2stressExecutable, "h2stress executable not found next to the test bundle")
    }

    /// A fresh folder for a run's results; the caller removes it.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-oneline-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The port from a `listening on 127.0.0.1:PORT` line.
    static func port(_ process: Subprocess) async throws -> Int {
        let line = try #require(await process.line(containing: "listening on", timeout: 30), "no `listening on` line: \(process.stdout) \(process.stderr)")
        let text = line.split(separator: "127.0.0.1:").last.map { String($0.prefix(while: \.isNumber)) } ?? ""
        return try #require(Int(text), "no port in `\(line)`")
    }

    /// The only run folder under `results`, decoded.
    static func runJSON(_ results: String) throws -> [String: Any] {
        let runs = try FileManager.default.contentsOfDirectory(atPath: results).filter { $0.hasPrefix("url-") || $0.hasPrefix("hello") }
        let run = try #require(runs.first, "no run folder in \(results)")
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(results)/\(run)/run.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("run --url with -c -m -n against serve: exit 0, every stream complete, profile.yaml kept; --print-profile prints what runs")
    func againstServe() async throws {
        let exe = try Self.executable()
        let serve = try Subprocess(exe, ["serve", "--port", "0", "--duration", "60s"], lifetime: 90)
        let port = try await Self.port(serve)
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let url = "h2c://127.0.0.1:\(port)/bytes/4096"
        let printed = try await Subprocess.run(exe, ["run", "--url", url, "-c", "2", "-m", "8", "-n", "300", "--expect-size", "4KiB", "--print-profile"], timeout: 30)
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout.contains("path: \"/bytes/4096\"") && printed.stdout.contains("totalStreams: 300"), "\(printed.stdout)")
        let run = try await Subprocess.run(exe, ["run", "--url", url, "-c", "2", "-m", "8", "-n", "300", "--expect-size", "4KiB",
                                                 "--fail-on", "failed", "--results-dir", work + "/results", "--quiet"], timeout: 60)
        #expect(run.status == 0, "\(run)")
        let json = try Self.runJSON(work + "/results")
        let cell = try #require((json["cells"] as? [[String: Any]])?.first)
        let streams = try #require(cell["streams"] as? [String: Int])
        #expect(streams["complete"] == 300, "\(streams)")
        #expect(cell["bytesReceived"] as? Int == 300 * 4096)
        let runs = try FileManager.default.contentsOfDirectory(atPath: work + "/results")
        let kept = try String(contentsOfFile: "\(work)/results/\(runs[0])/profile.yaml", encoding: .utf8)
        func body(_ text: String) -> String { text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: "\n") }
        #expect(body(kept) == body(printed.stdout), "the kept profile is the printed one (same flags; the comment is the command line)")
        #expect(kept.hasPrefix("# h2stress run --url \(url)"))
        serve.send(SIGINT)
        #expect(await serve.exitStatus(timeout: 20) == 0)
    }

    @Test("command-line mistakes exit 64 and name the flag, with no stack trace", arguments: [
        (["run", "--url", "http://127.0.0.1:1/x"], "`h2c://`"),
        (["run", "profiles/quick.yaml", "--url", "h2c://127.0.0.1:1/"], "not both"),
        (["run", "profiles/quick.yaml", "-c", "4"], "`-c` goes with `--url`"),
        (["run", "--url", "h2c://127.0.0.1:1/", "--data", "/no/such/file"], "`--data`"),
        (["run", "--url", "h2c://127.0.0.1:1/", "--grpc", "nope"], "/package.Service/Method"),
    ])
    func mistakes(arguments: [String], text: String) async throws {
        let outcome = try await Subprocess.run(try Self.executable(), arguments, timeout: 30,
                                               directory: InteropEnvironment.repositoryRoot.path)
        #expect(outcome.status == 64, "\(outcome)")
        #expect(outcome.stderr.contains(text), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("Fatal error") && !outcome.stderr.contains("Stack dump"))
    }

    @Test("the README's recipe: protoc --encode, run --url --grpc --print-profile > file, run file — against grpc-go's echo service",
          .disabled(if: !InteropEnvironment.isCI && (InteropEnvironment.executable(named: "protoc") == nil || InteropEnvironment.grpcGo == nil),
                    "needs protoc (Debian protobuf-compiler) and .build-go/h2stress-grpcgo (scripts/setup.sh, interop/grpcgo/build.sh)"))
    func protocRecipe() async throws {
        let protoc = try #require(InteropEnvironment.executable(named: "protoc"), "CI is set but protoc is missing: scripts/setup.sh installs protobuf-compiler")
        let grpcGo = try #require(InteropEnvironment.grpcGo, "CI is set but .build-go/h2stress-grpcgo is missing")
        let server = try Subprocess(grpcGo, ["serve", "-port", "0"], lifetime: 120)
        let port = try await Self.port(server)
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let proto = InteropEnvironment.repositoryRoot.appendingPathComponent("interop").path
        // 1. The request message from text format.
        let encode = try await Subprocess.run("/bin/sh", ["-c", "echo 'text: \"hello\" n: 3' | \(protoc) --encode=h2stress.echo.Text -I \(proto) \(proto)/echo.proto > hello.bin"],
                                              timeout: 30, directory: work)
        #expect(encode.status == 0, "\(encode)")
        let message = try Data(contentsOf: URL(fileURLWithPath: work + "/hello.bin"))
        #expect(Array(message) == [0x0A, 5] + Array("hello".utf8) + [0x10, 3], "protoc wrote the message")
        // 2. The profile, kept.
        let exe = try Self.executable()
        let printed = try await Subprocess.run(exe, ["run", "--url", "h2c://127.0.0.1:\(port)", "--grpc", "/h2stress.echo.Echo/Unary", "--data", "hello.bin",
                                                     "-c", "2", "-m", "8", "-n", "200", "--expect-messages", "1", "--expect-size", "\(message.count)B",
                                                     "--print-profile"], timeout: 30, directory: work)
        #expect(printed.status == 0, "\(printed)")
        try printed.stdout.write(toFile: work + "/hello.yaml", atomically: true, encoding: .utf8)
        // 3. The load.
        let run = try await Subprocess.run(exe, ["run", "hello.yaml", "--fail-on", "failed", "--quiet"], timeout: 120, directory: work)
        #expect(run.status == 0, "\(run)")
        let json = try Self.runJSON(work + "/results")
        let cell = try #require((json["cells"] as? [[String: Any]])?.first)
        #expect((cell["streams"] as? [String: Int])?["complete"] == 200, "\(cell["streams"] ?? "")")
        #expect(cell["messagesReceived"] as? Int == 200)
        #expect(cell["completeSizeUnverified"] == nil, "expect.messages fixed the count")
        server.send(SIGTERM)
        _ = await server.exitStatus(timeout: 20)
    }
}
