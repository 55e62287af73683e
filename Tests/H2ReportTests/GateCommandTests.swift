import Foundation
import H2TestSupport
import Testing
@testable import H2Report
@testable import H2Results

/// `h2stress gate` as a process, on synthetic run folders: exit codes 1, 2, 64 and 0, and the files it writes.
@Suite(.serialized)
struct GateCommandTests {
    static let executable = H2StressExecutable.path

    /// Runs h2stress with `arguments` (killed after 60 s, which fails the test); returns exit
    /// status, stdout and stderr.
    private func h2stress(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let exe = try #require(Self.executable, "h2stress executable not found next to the test bundle (swift build --build-tests)")
        let outcome = try Subprocess.runBlocking(exe, arguments, timeout: 60)
        #expect(!outcome.timedOut, "\(outcome)")
        return (outcome.status, outcome.stdout, outcome.stderr)
    }

    /// A temporary folder holding `run` as run.json.
    private func folder(_ run: RunResult, files: [String: String] = [:]) throws -> String {
        let path = NSTemporaryDirectory() + "h2stress-gate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try run.encodedJSON().write(to: URL(fileURLWithPath: path + "/run.json"))
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    @Test func aFailingRuleExitsOneAndJUnitNamesIt() throws {
        let run = GateSyntheticRuns.run(id: "cmd", seed: 1, repeats: 1, variants: [("a", 30, 1e8), ("b", 30, 1e8)], truncatedIn: "b")
        let dir = try folder(run, files: ["rules.yaml": "gate:\n  - \"truncated == 0\"\n  - {rule: \"ttfb.p99 < 1s\", variants: [a]}\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try h2stress(["gate", dir, "--rules", dir + "/rules.yaml"])
        #expect(result.status == 1, "\(result.out)\n\(result.err)")
        #expect(result.out.contains("FAIL  truncated == 0 @ b/t1/s1/r1: truncated = 3, required == 0"))
        let junit = try String(contentsOfFile: dir + "/junit.xml", encoding: .utf8)
        #expect(junit.contains("<testcase classname=\"h2stress.gate.cmd\" name=\"truncated == 0 @ b/t1/s1/r1\">"))
        #expect(junit.contains("<failure message=\"truncated == 0 @ b/t1/s1/r1"))
        #expect(try JUnitDocument(junit).failures == ["truncated == 0 @ b/t1/s1/r1"])
        let report = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(report.contains("**FAIL** · 1 of 3 gate checks failed"))
    }

    @Test func passingRulesExitZeroAndBaselineRulesWork() throws {
        let base = GateSyntheticRuns.run(id: "base", seed: 1, repeats: 4, variants: [("a", 30, 1e8)])
        let candidate = GateSyntheticRuns.run(id: "cand", seed: 2, repeats: 4, variants: [("a", 30, 1e8)])
        let rules = "- \"truncated == 0\"\n- \"streamDuration.p99 < 1.2 * baseline\"\n"
        let baseDir = try folder(base), dir = try folder(candidate, files: ["rules.yaml": rules])
        defer { try? FileManager.default.removeItem(atPath: dir); try? FileManager.default.removeItem(atPath: baseDir) }
        let result = try h2stress(["gate", dir, "--rules", dir + "/rules.yaml", "--baseline", baseDir + "/run.json"])
        #expect(result.status == 0, "\(result.out)\n\(result.err)")
        #expect(result.out.hasPrefix("PASS · 5 gate checks passed"))
        let compare = try h2stress(["compare", baseDir, dir])
        #expect(compare.status == 0)
        #expect(compare.out.contains("### `a/t1/s1` (A: 4 repeats, B: 4)"))
    }

    @Test func mistakesExit64WithFileLineRuleAndFix() throws {
        let run = GateSyntheticRuns.run(id: "cmd", seed: 1, repeats: 1, variants: [("a", 30, 1e8)])
        let dir = try folder(run, files: [
            "bad.yaml": "- \"truncated == 0\"\n- \"wakePoll.p99 < 2\"\n",
            "baseline.yaml": "- \"ttfb.p99 < 1.1 * baseline\"\n",
            "variant.yaml": "- {rule: \"truncated == 0\", variants: [b]}\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bad = try h2stress(["gate", dir, "--rules", dir + "/bad.yaml"])
        #expect(bad.status == 64)
        #expect(bad.err.contains("error: rules `\(dir)/bad.yaml`, line 2: `gate[1]`: rule `wakePoll.p99 < 2`: write a time like `2ms`"))
        let noBaseline = try h2stress(["gate", dir, "--rules", dir + "/baseline.yaml"])
        #expect(noBaseline.status == 64)
        #expect(noBaseline.err.contains("add `--baseline <run folder>`"))
        let variant = try h2stress(["gate", dir, "--rules", dir + "/variant.yaml"])
        #expect(variant.status == 64 && variant.err.contains("names variant `b`, which is not in run `cmd`"))
        let noRules = try h2stress(["gate", dir])
        #expect(noRules.status == 64 && noRules.err.contains("has no gate rules in its profile"))
        let missing = try h2stress(["gate", dir + "/nope"])
        #expect(missing.status == 64)
    }

    @Test func aRunThatCouldNotBeDoneExitsTwo() throws {
        var run = GateSyntheticRuns.run(id: "dead", seed: 1, repeats: 1, variants: [("a", 30, 1e8)])
        run.cells = run.cells.map { cell in
            var dead = cell
            dead.streamsStarted = 0
            dead.streams = OutcomeCounts()
            return dead
        }
        let dir = try folder(run, files: ["rules.yaml": "- \"truncated == 0\"\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try h2stress(["gate", dir, "--rules", dir + "/rules.yaml"])
        #expect(result.status == 2, "\(result.out)\n\(result.err)")
    }

    @Test func reportRegeneratesMarkdownAndJSON() throws {
        let run = GateSyntheticRuns.run(id: "rep", seed: 1, repeats: 2, variants: [("a", 30, 1e8), ("b", 40, 1e8)])
        let dir = try folder(run)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let md = try h2stress(["report", dir])
        #expect(md.status == 0 && md.out == dir + "/report.md\n")
        let text = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(text.hasPrefix("# h2stress run `rep`\n\n**COMPLETE** (no gate rules) · 0 truncated streams"))
        let json = try h2stress(["report", dir, "--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        #expect(object?["runID"] as? String == "rep")
        #expect(object?["truncated"] as? Int == 0)
    }
}
