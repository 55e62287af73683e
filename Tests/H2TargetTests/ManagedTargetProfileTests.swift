import Foundation
import Testing
import H2Loop
import H2Profile
import H2Results

/// The `target` section's `command` and TLS forms, the placeholders, and how they are encoded.
struct ManagedTargetProfileTests {
    static func load(_ target: String, extra: String = "") throws -> LoadedProfile {
        try ProfileLoader.parse(yaml: """
            name: t
            target: \(target)
            duration: 1s
            mix: [{http.get: {size: 1KiB}}]
            \(extra)
            """, file: "t.yaml")
    }

    @Test func commandTargetWithEveryField() throws {
        let loaded = try Self.load(#"{command: ["./srv", "--port", "{port}", "-w", "{server.streamWindow}"], env: {GOMAXPROCS: "{threads}", MODE: fast}, ready: {port: 8080, timeout: 3s}, stop: {grace: 500ms}}"#)
        let expected = ManagedTargetSpec(
            command: ["./srv", "--port", "{port}", "-w", "{server.streamWindow}"], env: ["GOMAXPROCS": "{threads}", "MODE": "fast"],
            readyPort: 8080, readyTimeout: .seconds(3), stopGrace: .milliseconds(500))
        #expect(loaded.base.target == .command(expected))
    }

    @Test func commandTargetDefaults() throws {
        guard case .command(let spec) = try Self.load(#"{command: ["./srv", "{port}"]}"#).base.target else {
            Issue.record("not a command target")
            return
        }
        #expect(spec.readyPort == nil)
        #expect(spec.readyTimeout == .seconds(10))
        #expect(spec.stopGrace == .seconds(2))
        #expect(spec.env.isEmpty)
    }

    @Test func httpsTargetCarriesTLSOptions() throws {
        let loaded = try Self.load(#"{url: "https://api.example:8443", caFile: ca.pem, serverName: api.internal}"#)
        #expect(loaded.base.target == .url("https://api.example:8443", tls: TLSClientConfig(serverName: "api.internal", caFile: "ca.pem")))
        let insecure = try Self.load(#"{url: "https://10.0.0.1:443", insecure: true}"#)
        #expect(insecure.base.target == .url("https://10.0.0.1:443", tls: TLSClientConfig(insecure: true)))
        let plain = try Self.load(#"{url: "https://h:1"}"#)
        #expect(plain.base.target == .url("https://h:1", tls: TLSClientConfig()), "https always carries options: verification on by default")
        #expect(try Self.load(#"{url: "h2c://h:1"}"#).base.target == .url("h2c://h:1", tls: nil))
    }

    @Test("variants merge env key by key and replace the command list")
    func variantsChangeTheCommand() throws {
        let loaded = try Self.load(#"{command: ["./srv", "{port}"], env: {A: "1", B: "2"}}"#, extra: """
            sweep:
              variants:
                - {name: other, target: {command: ["./srv2", "{port}"], env: {B: "3"}}}
            """)
        guard case .command(let spec) = try #require(loaded.cells.first).profile.target else {
            Issue.record("not a command target")
            return
        }
        #expect(spec.command == ["./srv2", "{port}"])
        #expect(spec.env == ["A": "1", "B": "3"])
    }

    @Test("{threads} is the cell's server thread count; {driverThreads} the driver's")
    func placeholderValues() throws {
        let loaded = try Self.load(#"{command: ["./srv", "{port}"], env: {GOMAXPROCS: "{threads}"}}"#, extra: "sweep: {threads: [1, 2], serverThreads: [4, 8]}")
        let cell = try #require(loaded.cells.first { $0.threads == 2 && $0.serverThreads == 8 })
        let values = TargetCommandTemplate.values(for: cell, port: 5555)
        #expect(values["threads"] == "8")
        #expect(values["server.threads"] == "8")
        #expect(values["driverThreads"] == "2")
        #expect(values["port"] == "5555")
        #expect(values["cell"] == "default_t2_s8_r1")
        #expect(values["server.streamWindow"] == String(cell.profile.server.streamWindow.bytes))
        #expect(Set(values.keys) == Set(TargetCommandTemplate.variableNames))
        #expect(TargetCommandTemplate.render("GOMAXPROCS={threads} {{literal}} -p{port}", values: values) == "GOMAXPROCS=8 {literal} -p5555")
    }

    @Test("server settings and sweep.serverThreads load where a placeholder passes them to the command")
    func serverSettingsPassedByPlaceholders() throws {
        let viaThreads = try Self.load(#"{command: ["./srv", "{port}"], env: {GOMAXPROCS: "{threads}"}}"#,
                                       extra: "server: {threads: 2}\nsweep: {serverThreads: [1, 2]}")
        #expect(viaThreads.cells.map(\.serverThreads) == [1, 2])
        let viaServerThreads = try Self.load(#"{command: ["./srv", "-p", "{port}", "-t", "{server.threads}"]}"#,
                                             extra: "sweep: {serverThreads: [3]}")
        #expect(viaServerThreads.cells.map(\.serverThreads) == [3])
        let window = try Self.load(#"{command: ["./srv", "{port}", "--window={server.streamWindow}"]}"#,
                                   extra: "server: {streamWindow: 1MiB}")
        #expect(window.base.server.streamWindow == .mebibytes(1))
        // The embedded server uses every server setting itself.
        let embedded = try Self.load("embedded", extra: "server: {threads: 2, maxConcurrentStreams: 8}\nsweep: {serverThreads: [1, 2]}")
        #expect(embedded.cells.count == 2)
        // A url target without server settings loads; one with them does not (BrokenProfiles/server-*).
        #expect(try Self.load(#"{url: "h2c://h:1"}"#).cells.map(\.serverThreads) == [1])
        #expect(throws: ProfileError.self) { try Self.load(#"{url: "h2c://h:1"}"#, extra: "server: {threads: 1}") }
        #expect(throws: ProfileError.self) {
            try Self.load(#"{command: ["./srv", "{port}"]}"#, extra: "sweep: {serverThreads: [1, 2]}")
        }
    }

    @Test("a spec's placeholders are every name its command and env use")
    func specPlaceholders() {
        let spec = ManagedTargetSpec(command: ["./s", "-p{port}", "{{literal}}"], env: ["A": "{threads}", "B": "x{server.maxFrameSize}y"])
        #expect(spec.placeholders == ["port", "threads", "server.maxFrameSize"])
    }

    @Test func templateSyntax() {
        #expect(TargetCommandTemplate.parse("a{b}c") == .success([.text("a"), .variable("b"), .text("c")]))
        #expect(TargetCommandTemplate.parse("{{}}") == .success([.text("{}")]))
        #expect(TargetCommandTemplate.parse("{open").isFailure)
        #expect(TargetCommandTemplate.parse("close}").isFailure)
        #expect(TargetCommandTemplate.parse("{a b}").isFailure)
    }

    @Test("run.json form: \"embedded\", {url, tls}, {command}; and back")
    func targetJSON() throws {
        let specs: [TargetSpec] = [
            .embedded, .url("h2c://h:1"), .url("https://h:2", tls: TLSClientConfig(caFile: "ca.pem")),
            .command(ManagedTargetSpec(command: ["./s", "{port}"], env: ["A": "{threads}"])),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let texts = try specs.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        #expect(texts[0] == "\"embedded\"")
        #expect(texts[1] == #"{"url":"h2c:\/\/h:1"}"#)
        #expect(texts[2] == #"{"tls":{"caFile":"ca.pem","insecure":false},"url":"https:\/\/h:2"}"#)
        #expect(texts[3].hasPrefix(#"{"command":{"command":["#))
        for (spec, text) in zip(specs, texts) {
            #expect(try JSONDecoder().decode(TargetSpec.self, from: Data(text.utf8)) == spec)
        }
    }

    @Test("cells[i].target: written with cpuSeconds, absent in older files")
    func cellTargetJSON() throws {
        let process = TargetProcessResult(
            userSeconds: 1.5, systemSeconds: 0.25, peakRSSBytes: 1 << 20, exitStatus: "exit 0", exitCode: 0, signal: nil,
            exitedEarly: false, killedAfterGrace: false, readySeconds: 0.1, stdoutFile: "targets/c.stdout", stderrFile: "targets/c.stderr")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(process)) as? [String: Any]
        #expect(json?["cpuSeconds"] as? Double == 1.75)
        #expect(json?["command"] == nil && json?["env"] == nil && json?["port"] == nil, "not recorded: absent")
        #expect(try JSONDecoder().decode(TargetProcessResult.self, from: JSONEncoder().encode(process)) == process)
    }

    @Test("cells[i].target.command, env and port: written when recorded, decoded back, absent in older files")
    func cellTargetLaunchJSON() throws {
        var process = TargetProcessResult(
            userSeconds: 1, systemSeconds: 0, peakRSSBytes: 0, exitStatus: "exit 0", exitCode: 0, signal: nil,
            exitedEarly: false, killedAfterGrace: false, readySeconds: nil, stdoutFile: "o", stderrFile: "e",
            command: ["./srv", "--port", "40123", "a b"], env: ["GOMAXPROCS": "4"], port: 40123)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(process)) as? [String: Any]
        #expect(json?["command"] as? [String] == ["./srv", "--port", "40123", "a b"])
        #expect(json?["env"] as? [String: String] == ["GOMAXPROCS": "4"])
        #expect(json?["port"] as? Int == 40123)
        #expect(try JSONDecoder().decode(TargetProcessResult.self, from: JSONEncoder().encode(process)) == process)
        #expect(process.commandLine == "./srv --port 40123 'a b'")
        #expect(process.envText == "GOMAXPROCS=4")
        process.env = [:]
        #expect(process.envText == "")
        let older = #"{"cpuSeconds":1,"userSeconds":1,"systemSeconds":0,"peakRSSBytes":0,"exitStatus":"exit 0","exitedEarly":false,"killedAfterGrace":false,"stdoutFile":"o","stderrFile":"e"}"#
        let decoded = try JSONDecoder().decode(TargetProcessResult.self, from: Data(older.utf8))
        #expect(decoded.command == nil && decoded.env == nil && decoded.port == nil && decoded.commandLine == nil)
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
