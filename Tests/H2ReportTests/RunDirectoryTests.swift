import Foundation
import Testing
@testable import H2Report
import H2Results

@Suite("RunDirectory")
struct RunDirectoryTests {
    /// A fresh, empty directory under the system temporary directory, removed by the caller.
    private func temporaryRoot() throws -> String {
        let path = NSTemporaryDirectory() + "h2report-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private let startedAt = Date(timeIntervalSince1970: 1_738_324_805)

    @Test("names the directory after profile and UTC time, adding -2, -3 when it exists")
    func uniqueNames() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let results = root + "/results"
        let first = try RunDirectory(resultsRoot: results, profileName: "smoke", startedAt: startedAt)
        let second = try RunDirectory(resultsRoot: results, profileName: "smoke", startedAt: startedAt)
        let third = try RunDirectory(resultsRoot: results, profileName: "smoke", startedAt: startedAt)
        #expect(first.runID == "smoke-20250131-120005")
        #expect(second.runID == "smoke-20250131-120005-2")
        #expect(third.runID == "smoke-20250131-120005-3")
        #expect(first.path == results + "/smoke-20250131-120005")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: third.path, isDirectory: &isDirectory) && isDirectory.boolValue)
        let odd = try RunDirectory(resultsRoot: results, profileName: "my profile/../x", startedAt: startedAt)
        #expect(odd.runID == "my-profile-..-x-20250131-120005")
        #expect(odd.path.hasPrefix(results + "/"))
    }

    @Test("write replaces run.json and report.md atomically and leaves no temporary files")
    func writesAtomically() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = try RunDirectory(resultsRoot: root, profileName: "smoke", startedAt: startedAt)
        var run = SyntheticRun.make()
        run.status = .running
        run.cells = Array(run.cells.prefix(1))
        try directory.write(run)
        let firstInode = try FileManager.default.attributesOfItem(atPath: directory.runFilePath)[.systemFileNumber] as? Int

        run = SyntheticRun.make()
        try directory.write(run)
        let decoded = try RunResult.decode(from: Data(contentsOf: URL(fileURLWithPath: directory.runFilePath)))
        #expect(decoded.cells.count == 3)
        #expect(decoded.status == .complete)
        #expect(try String(contentsOfFile: directory.reportFilePath, encoding: .utf8) == MarkdownReport.render(run))
        let secondInode = try FileManager.default.attributesOfItem(atPath: directory.runFilePath)[.systemFileNumber] as? Int
        #expect(firstInode != nil && firstInode != secondInode, "a rename installs a new file; an in-place rewrite would keep the inode")
        #expect(try String(contentsOfFile: directory.path + "/report.html", encoding: .utf8) == HTMLReport.render(run))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["report.html", "report.md", "run.json"])
    }

    @Test("a write into a vanished directory throws a ReportError naming the path")
    func writeFailure() throws {
        let root = try temporaryRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = try RunDirectory(resultsRoot: root, profileName: "smoke", startedAt: startedAt)
        try FileManager.default.removeItem(atPath: directory.path)
        #expect(throws: ReportError.self) { try directory.write(SyntheticRun.make()) }
        do {
            try directory.writeFile(named: "x.txt", contents: Data("x".utf8))
            Issue.record("expected an error")
        } catch let error as ReportError {
            #expect(error.path.hasPrefix(directory.path))
            #expect(error.description.contains("No such file or directory"))
        }
    }
}
