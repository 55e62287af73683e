import Foundation
import Testing
@testable import H2Profile
import H2Wire

/// Profiles are read from pull requests: sizes, nesting and alias expansion are bounded before
/// anything walks the YAML, and each refusal is an ordinary profile error (exit 64) naming the
/// line and the fix. The bounds of time here are safety nets against a hang, not performance
/// targets: each case is refused in milliseconds.
struct HostileYAMLTests {
    static let minimal = "name: ok\nduration: 1s\nmix: [{http.get: {size: 1KiB}}]\n"

    static func error(_ yaml: String, file: String = "hostile.yaml") -> ProfileError? {
        do {
            _ = try ProfileLoader.parse(yaml: yaml, file: file)
            return nil
        } catch {
            return error
        }
    }

    @Test("10,000 levels of flow nesting are refused on the line where they pass the limit")
    func deepFlowNesting() throws {
        let yaml = Self.minimal + "deep: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let error = try #require(Self.error(yaml))
        #expect(error.line == 4)
        #expect(error.message.contains("nests deeper than \(YAMLBudget.maxDepth) levels"))
    }

    @Test("10,000 levels of compact block sequences (`- - - x`) are refused")
    func deepBlockNesting() throws {
        let yaml = Self.minimal + "deep:\n" + String(repeating: "- ", count: 10_000) + "x\n"
        let error = try #require(Self.error(yaml))
        #expect(error.line == 5)
        #expect(error.message.contains("nests deeper"))
    }

    @Test("a text over 1 MiB is refused by size, and a file over 1 MiB is refused before it is read")
    func oversize() throws {
        let padding = String(repeating: "# padding padding padding padding padding padding padding\n", count: 20_000)
        let error = try #require(Self.error(Self.minimal + padding))
        #expect(error.message.contains("a profile may be at most 1024 KiB"))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-huge-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50 << 20)   // a sparse 50 MB file: its size, not its text, refuses it
        try handle.close()
        #expect(throws: ProfileError.self) { try ProfileLoader.load(path: path) }
        do {
            _ = try ProfileLoader.load(path: path)
        } catch {
            #expect(error.message == "the file is 52428800 bytes; a profile may be at most 1024 KiB — is this the right file?")
        }
    }

    @Test("a directory given as the profile says so")
    func directory() {
        let path = FileManager.default.temporaryDirectory.path
        do {
            _ = try ProfileLoader.load(path: path)
            Issue.record("a directory loaded")
        } catch {
            #expect(error.description == "profile `\(path)`: is a directory; give a profile file such as `profiles/quick.yaml`")
        }
    }

    @Test("ordinary anchors and aliases still work")
    func legitimateAliases() throws {
        let yaml = """
            name: aliases
            duration: 1s
            mix: [{http.get: {size: 1KiB}}]
            client: &wide {streamWindow: 1MiB, connectionWindow: 4MiB}
            sweep:
              variants:
                - {name: a, client: *wide}
                - {name: b, client: {streamWindow: 64KiB}}
            """
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "aliases.yaml")
        #expect(loaded.cells.map(\.profile.client.streamWindow) == [.mebibytes(1), .kibibytes(64)])
    }

    @Test("a quoted `*` or `&` beside a real alias is text, not an alias (an `accept: \"*/*\"` header)")
    func quotedStarsBesideAnAlias() throws {
        let yaml = """
            name: stars
            duration: 1s
            mix: [{http.request: {path: /, headers: {accept: "*/*", x-b: '&x'}}}]
            client: &wide {streamWindow: 1MiB}
            sweep: {variants: [{name: a, client: *wide}]}
            """
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "stars.yaml")
        guard case .httpRequest(let spec) = loaded.base.mix[0].kind else { Issue.record("kind"); return }
        #expect(spec.headers == [HeaderField(name: "accept", value: "*/*"), HeaderField(name: "x-b", value: "&x")])
    }

    @Test("an expansion just under the budget loads; ten times more is refused at the alias line")
    func budgetEdge() throws {
        // 4 levels of 10 over a 10-item list: 10^5 leaves under the budget's 100,000 nodes only
        // when one level is dropped.
        func bomb(levels: Int) -> String {
            var lines = [Self.minimal + "x0: &x0 [" + Array(repeating: "v", count: 10).joined(separator: ", ") + "]"]
            for i in 1...levels { lines.append("x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]") }
            return lines.joined(separator: "\n") + "\n"
        }
        let small = try #require(Self.error(bomb(levels: 3)))   // 10^4 leaves: passes the budget, then `x0` is an unknown field
        #expect(small.message.contains("unknown field"))
        let large = try #require(Self.error(bomb(levels: 5)))   // 10^6 leaves
        #expect(large.message.contains("expand to more than 100000 nodes"))
        #expect(large.line == 8, "x4 passes the budget on its ninth alias")
    }

    @Test("`--set` values and gate-rule files are held to the same budget")
    func overridesAndRules() throws {
        let deep = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: ProfileError.self) { try ProfileLoader.parse(yaml: Self.minimal, file: "ok.yaml", overrides: ["client.streamWindow=\(deep)"]) }
        #expect(throws: ProfileError.self) { try GateRuleFile.parse(yaml: "- " + deep, file: "rules.yaml") }
    }
}
