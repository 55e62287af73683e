import Foundation
import Testing
@testable import H2Profile

/// Each `BrokenProfiles/<case>.yaml` must fail with exactly the text in `<case>.expected`.
/// Lines of the form `# --set path=value` in a case are passed as overrides.
struct BrokenProfileTests {
    static let directory: URL? = Bundle.module.url(forResource: "BrokenProfiles", withExtension: nil)

    static var cases: [String] {
        guard let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.directory != nil)
        #expect(Self.cases.count >= 12)
    }

    @Test(arguments: cases)
    func failsWithTheExpectedMessage(name: String) throws {
        let directory = try #require(Self.directory)
        let yaml = try String(contentsOf: directory.appendingPathComponent(name + ".yaml"), encoding: .utf8)
        let expectedURL = directory.appendingPathComponent(name + ".expected")
        let expected = try #require(try? String(contentsOf: expectedURL, encoding: .utf8), "add \(name).expected").trimmingCharacters(in: .newlines)
        let overrides = yaml.split(separator: "\n").compactMap { line in
            line.hasPrefix("# --set ") ? String(line.dropFirst("# --set ".count)) : nil
        }
        do {
            let loaded = try ProfileLoader.parse(yaml: yaml, file: "BrokenProfiles/\(name).yaml", overrides: overrides)
            Issue.record("\(name) loaded with \(loaded.cells.count) cells; expected: \(expected)")
        } catch {
            #expect(error.description == expected)
        }
    }
}
