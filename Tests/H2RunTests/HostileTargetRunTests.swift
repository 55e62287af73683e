import Foundation
import H2TestSupport
import Testing

/// `h2stress run` as a process against scripted servers that break HTTP/2: the run records the
/// root cause, still writes its results, and exits with the documented code (2 when no stream
/// could start, 1 when a gate rule fails), within its cell.
@Suite(.serialized)
struct HostileTargetRunTests {
    /// Writes a one-cell profile against `port` (1 connection × 4 GETs for 1 s, `gate` rules),
    /// runs it, and returns the exit status and the decoded run.json.
    func run(port: UInt16, gate: [String] = [], arguments: [String] = []) throws -> (status: Int32, stderr: String, run: [String: Any]) {
        let exe = try #require(H2StressExecutable.path, "h2stress executable not found next to the test bundle (swift build --build-tests)")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var profile = """
            name: hostile
            target: {url: "h2c://127.0.0.1:\(port)"}
            duration: 1s
            connections: 1
            streamsPerConnection: 4
            mix:
              - http.get: {size: 1KiB}
            client: {connectTimeout: 500ms}

            """
        if !gate.isEmpty { profile += "gate:\n" + gate.map { "  - \"\($0)\"\n" }.joined() }
        try profile.write(toFile: root + "/hostile.yaml", atomically: true, encoding: .utf8)
        let started = Date()
        let outcome = try Subprocess.runBlocking(exe, ["run", root + "/hostile.yaml", "--results-dir", root + "/results"] + arguments, timeout: 60)
        #expect(!outcome.timedOut && Date().timeIntervalSince(started) < 20, "the run ends with its cell")
        let runs = try FileManager.default.contentsOfDirectory(atPath: root + "/results")
        let folder = try #require(runs.first, "a results folder was written: \(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: root + "/results/\(folder)/report.md"))
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/results/\(folder)/run.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (outcome.status, outcome.stderr, json)
    }

    static func firstCell(_ run: [String: Any]) -> [String: Any] {
        ((run["cells"] as? [[String: Any]]) ?? []).first ?? [:]
    }

    @Test("a server that never sends SETTINGS: exit 2, the cause in run.json, results written")
    func noSettings() throws {
        let peer = try ScriptedPeer(greeting: [])
        defer { _ = peer.stop() }
        let (status, stderr, run) = try self.run(port: peer.port)
        #expect(status == 2, "\(stderr)")
        let errors = (Self.firstCell(run)["connectionErrors"] as? [String]) ?? []
        #expect(errors.contains { $0.contains("connected, but the server sent no HTTP/2 SETTINGS frame within 500 ms") }, "\(errors)")
    }

    @Test("a server that overflows the connection window: streams connectionLost with the rule, the gate fails with exit 1")
    func brokenRuleFailsTheGate() throws {
        let overflow = ScriptedPeer.frame(type: 8, stream: 0, payload: ScriptedPeer.be32(0x7fff_ffff))
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: overflow)
        defer { _ = peer.stop() }
        let (status, stderr, run) = try self.run(port: peer.port, gate: ["failed == 0"])
        #expect(status == 1, "\(stderr)")
        let cell = Self.firstCell(run)
        let lost = (cell["streams"] as? [String: Any])?["connectionLost"] as? Int ?? 0
        #expect(lost >= 4, "\(cell["streams"] ?? "no streams")")
        let failures = (cell["failures"] as? [[String: Any]]) ?? []
        #expect(failures.first.flatMap { $0["detail"] as? String }?.contains("the client ended the connection with GOAWAY(FLOW_CONTROL_ERROR)") == true,
                "\(failures.prefix(1))")
    }

    // MARK: --fail-on and the hint

    static let overflow = ScriptedPeer.frame(type: 8, stream: 0, payload: ScriptedPeer.be32(0x7fff_ffff))

    @Test("failing streams without gate rules: exit 0, and a hint names the flag that would have caught them")
    func hintWithoutRules() throws {
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: Self.overflow)
        defer { _ = peer.stop() }
        let (status, stderr, _) = try self.run(port: peer.port)
        #expect(status == 0, "\(stderr)")
        #expect(stderr.contains("streams failed and no gate rule checks that, so the exit code is 0; `--fail-on failed`"), "\(stderr)")
    }

    @Test("--fail-on connectionLost: exit 1, the rule recorded with the run; --fail-on truncated: exit 0")
    func failOn() throws {
        let peer = try ScriptedPeer(greeting: ScriptedPeer.emptySettings, afterRequest: Self.overflow)
        defer { _ = peer.stop() }
        let (status, stderr, run) = try self.run(port: peer.port, arguments: ["--fail-on", "truncated,connectionLost"])
        #expect(status == 1, "\(stderr)")
        let rules = ((run["profile"] as? [String: Any])?["gate"] as? [[String: Any]])?.compactMap { $0["rule"] as? String }
        #expect(rules == ["truncated == 0", "connectionLost == 0"], "\(String(describing: rules))")
        let (clean, cleanErr, _) = try self.run(port: peer.port, arguments: ["--fail-on", "truncated"])
        #expect(clean == 0 && !cleanErr.contains("hint:"), "\(cleanErr)")
    }

    @Test("--fail-on with an unknown outcome exits 64 and lists the names")
    func failOnUnknown() throws {
        let exe = try #require(H2StressExecutable.path)
        let outcome = try Subprocess.runBlocking(exe, ["run", "profiles/quick.yaml", "--fail-on", "truncated,lost"], timeout: 60)
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("`--fail-on`: unknown outcome `lost`; write a comma-separated list of failed, truncated, reset"), "\(outcome.stderr)")
    }
}
