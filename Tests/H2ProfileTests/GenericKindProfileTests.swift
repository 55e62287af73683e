import Foundation
import Testing
@testable import H2Profile
import H2Wire

/// `http.request` and `grpc.call` as written in profiles, and the profile `run --url` makes.
struct GenericKindProfileTests {
    static func kind(_ yaml: String, file: String = "generic.yaml") throws -> StreamKind {
        let loaded = try ProfileLoader.parse(yaml: "name: g\nduration: 1s\nmix:\n" + yaml, file: file)
        return try #require(loaded.base.mix.first).kind
    }

    @Test("http.request: defaults, headers lowercased in order, every body form, status forms")
    func httpRequest() throws {
        guard case .httpRequest(let plain) = try Self.kind("  - http.request: {path: /a?b=1}") else { Issue.record("kind"); return }
        #expect(plain.method == "GET" && plain.path == "/a?b=1" && plain.body == nil)
        #expect(plain.expectStatus == .success && plain.expectSize == nil)
        let yaml = """
              - http.request:
                  method: put
                  path: /upload
                  headers: {X-Trace: abc, accept: "*/*"}
                  body: {base64: "aGVs bG8="}
                  expect: {status: [200, 2xx, 300-302], size: 1KiB}
            """
        guard case .httpRequest(let spec) = try Self.kind(yaml) else { Issue.record("kind"); return }
        #expect(spec.method == "PUT")
        #expect(spec.headers == [HeaderField(name: "x-trace", value: "abc"), HeaderField(name: "accept", value: "*/*")])
        #expect(spec.body?.bytes == Array("hello".utf8))
        #expect(spec.expectStatus.ranges == [200...200, 200...299, 300...302])
        #expect(spec.expectSize == .kibibytes(1))
        guard case .httpRequest(let sized) = try Self.kind("  - http.request: {method: POST, path: /, body: 3B, expect: {size: any}}") else { return }
        #expect(sized.body?.bytes == [0x78, 0x78, 0x78] && sized.expectSize == nil)
        guard case .httpRequest(let text) = try Self.kind("  - http.request: {path: /, body: {text: \"é\"}}") else { return }
        #expect(text.body?.bytes == [0xC3, 0xA9])
    }

    @Test("a body file is read once, relative to the profile's folder, and run.json names it without its bytes")
    func bodyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("h2s-body-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data([1, 2, 3, 0, 255]).write(to: folder.appendingPathComponent("req.bin"))
        let kind = try Self.kind("  - grpc.call: {method: /a.B/C, request: [{file: req.bin}, 6B]}", file: folder.appendingPathComponent("p.yaml").path)
        guard case .grpcCall(let spec) = kind else { Issue.record("kind"); return }
        #expect(spec.request.count == 2)
        #expect(spec.request[0].bytes == [1, 2, 3, 0, 255])
        #expect(spec.request[1].bytes.count == 6)
        let json = String(decoding: try JSONEncoder().encode(spec.request[0]), as: UTF8.self)
        #expect(json.contains("\"bytes\":5") && json.contains("req.bin"))
        #expect(try JSONDecoder().decode(RequestBody.self, from: Data(json.utf8)).bytes == [1, 2, 3, 0, 255])
    }

    @Test("grpc.call: defaults and expectations by name and number")
    func grpcCall() throws {
        guard case .grpcCall(let plain) = try Self.kind("  - grpc.call: {method: /helloworld.Greeter/SayHello}") else { Issue.record("kind"); return }
        #expect(plain.request.count == 1 && plain.request[0].bytes.isEmpty, "one empty message by default")
        #expect(plain.expectStatus == [0] && plain.expectMessages == nil && plain.expectMessageSize == nil)
        let yaml = "  - grpc.call: {method: /a.B/C, metadata: {Authorization: Bearer x}, expect: {status: [OK, not_found, 14], messages: 5, messageSize: 100B}}"
        guard case .grpcCall(let spec) = try Self.kind(yaml) else { Issue.record("kind"); return }
        #expect(spec.metadata == [HeaderField(name: "authorization", value: "Bearer x")])
        #expect(spec.expectStatus == [0, 5, 14] && spec.expectMessages == 5 && spec.expectMessageSize == ByteCount(bytes: 100))
    }

    @Test("--set reaches the new kinds' fields")
    func overrides() throws {
        let loaded = try ProfileLoader.parse(yaml: "name: g\nduration: 1s\nmix:\n  - http.request: {path: /a}\n",
                                             file: "g.yaml", overrides: ["mix[0].http.request.path=/b", "mix[0].http.request.expect={size: 10B}"])
        guard case .httpRequest(let spec) = loaded.base.mix[0].kind else { Issue.record("kind"); return }
        #expect(spec.path == "/b" && spec.expectSize == ByteCount(bytes: 10))
    }

    // MARK: run --url

    @Test("the one-line profile loads as the same profile a file would give")
    func oneLineHTTP() throws {
        var one = OneLineProfile(url: "h2c://127.0.0.1:8080/bytes/65536?x=\"1\"")
        one.connections = 10
        one.streamsPerConnection = 100
        one.duration = "5s"
        one.threads = "2"
        one.streamWindow = "20"
        one.connectionWindow = "4MiB"
        one.headers = ["X-Key: a: b"]
        one.expectStatus = "200,204"
        let text = try one.yaml()
        let loaded = try ProfileLoader.parse(yaml: text, file: OneLineProfile.fileName)
        let profile = loaded.base
        #expect(profile.target == .url("h2c://127.0.0.1:8080"))
        #expect(profile.connections == 10 && profile.streamsPerConnection == 100 && profile.threads == 2)
        #expect(profile.duration == .seconds(5) && profile.warmup == .zero)
        #expect(profile.client.streamWindow.bytes == (1 << 20) - 1 && profile.client.connectionWindow.bytes == 4 << 20)
        guard case .httpRequest(let spec) = profile.mix[0].kind else { Issue.record("kind"); return }
        #expect(spec.path == "/bytes/65536?x=\"1\"" && spec.method == "GET")
        #expect(spec.headers == [HeaderField(name: "x-key", value: "a: b")])
        #expect(spec.expectStatus.ranges == [200...200, 204...204])
    }

    @Test("--grpc makes a grpc.call; -n without -d bounds the run at 1h; a sweep of threads")
    func oneLineGRPC() throws {
        var one = OneLineProfile(url: "https://localhost:8443/")
        one.grpcMethod = "/a.B/C"
        one.requests = 1000
        one.insecure = true
        one.threads = "1,2"
        one.expectStatus = "OK"
        one.expectMessages = 1
        let loaded = try ProfileLoader.parse(yaml: try one.yaml(), file: OneLineProfile.fileName)
        #expect(loaded.base.totalStreams == 1000 && loaded.base.duration == .seconds(3600))
        #expect(loaded.cells.count == 2)
        guard case .url(let url, let tls) = loaded.base.target else { Issue.record("target"); return }
        #expect(url == "https://localhost:8443" && tls?.insecure == true)
        guard case .grpcCall(let spec) = loaded.base.mix[0].kind else { Issue.record("kind"); return }
        #expect(spec.method == "/a.B/C" && spec.expectMessages == 1)
    }

    @Test("command-line mistakes name the flag", arguments: [
        ("http://127.0.0.1:1/", "--url", "`h2c://`"),
        ("h2c://127.0.0.1:1/path", "--url", "with `--grpc`"),
        ("h2c://127.0.0.1:1/", "--header", "name:value"),
        ("h2c://127.0.0.1:1/", "--insecure", "cleartext"),
    ])
    func oneLineErrors(url: String, field: String, text: String) {
        var one = OneLineProfile(url: url)
        switch field {
        case "--header": one.headers = ["novalue"]
        case "--insecure": one.insecure = true
        default: if url.hasSuffix("/path") { one.grpcMethod = "/a.B/C" }
        }
        do {
            _ = try one.yaml()
            Issue.record("no error for \(field)")
        } catch {
            #expect(error.field == field)
            #expect(error.description.contains(text), "\(error.description)")
        }
    }
}
