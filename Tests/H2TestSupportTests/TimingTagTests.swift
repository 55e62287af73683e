import Foundation
import Testing

/// The `.timing` tag and the suite names agree, so that a name filter selects exactly the
/// tagged tests (`swift test --filter TimingTests` / `--skip TimingTests`; this toolchain's
/// `swift test` cannot select by tag): every suite whose name ends in `TimingTests` carries
/// `.tags(.timing)` on its `@Suite`, no other suite does, and no single `@Test` carries it.
struct TimingTagTests {
    /// A test type declared in the sources: its name and the attribute lines above it.
    struct Declaration {
        var file: String
        var name: String
        var attributes: String
    }

    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

    /// Every `struct`/`final class` whose name ends in `Tests` under `Tests/`, with its attributes.
    static func declarations() throws -> (types: [Declaration], tagUses: Int) {
        let files = try #require(FileManager.default.enumerator(atPath: testsFolder.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasSuffix("TimingTagTests.swift") }
        var types: [Declaration] = []
        var tagUses = 0
        for file in files.sorted() {
            let text = try String(contentsOf: testsFolder.appendingPathComponent(file), encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            // Uses in code, not in comments (the tag's own documentation shows one).
            tagUses += lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                .reduce(0) { $0 + $1.components(separatedBy: ".tags(.timing)").count - 1 }
            for (index, line) in lines.enumerated() {
                guard let match = line.firstMatch(of: /^(?:final class|struct) (\w+Tests)\b/) else { continue }
                // The attribute block: the lines right above, up to a doc comment, a blank line or a `}`.
                var above: [String] = []
                var i = index - 1
                while i >= 0, !lines[i].isEmpty, !lines[i].hasPrefix("///"), !lines[i].hasPrefix("}") {
                    above.insert(lines[i], at: 0)
                    i -= 1
                }
                types.append(Declaration(file: file, name: String(match.1), attributes: above.joined(separator: "\n")))
            }
        }
        return (types, tagUses)
    }

    @Test func suiteNamesAndTheTimingTagAgree() throws {
        let (types, tagUses) = try Self.declarations()
        #expect(types.count > 20, "the scan found the test suites: \(types.map(\.name))")
        var tagged = 0
        for type in types {
            let isTagged = type.attributes.contains(".tags(.timing)")
            if isTagged { tagged += 1 }
            #expect(isTagged == type.name.hasSuffix("TimingTests"),
                    "\(type.file): \(type.name) \(isTagged ? "has .tags(.timing) but is not named …TimingTests" : "is named …TimingTests but its @Suite lacks .tags(.timing)")")
        }
        #expect(tagged > 0)
        #expect(tagUses == tagged, ".tags(.timing) is used \(tagUses) times but on \(tagged) suites: tag whole suites only")
    }
}
