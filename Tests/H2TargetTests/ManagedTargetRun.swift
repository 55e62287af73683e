import Foundation
import H2Target
import H2Profile
import H2Results
import H2Driver
import H2Run

/// Runs a profile (YAML text) against managed targets, with the targets' output in a fresh
/// temporary run folder that is removed afterwards.
struct ManagedTargetRun {
    var result: RunResult
    /// Contents of `targets/<file>` captured before the folder was removed, by relative name.
    var targetFiles: [String: String]

    static func run(yaml: String) throws -> ManagedTargetRun {
        let loaded = try ProfileLoader.parse(yaml: yaml, file: "managed-test.yaml")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("h2stress-managed-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runner = Runner(loaded: loaded, launcher: ManagedTargetLauncher(runDirectory: folder), control: RunControl())
        let result = runner.run(runID: "managed-test")
        var files: [String: String] = [:]
        let targets = folder + "/targets"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: targets)) ?? [] {
            files["targets/" + name] = (try? String(contentsOfFile: targets + "/" + name, encoding: .utf8)) ?? ""
        }
        return ManagedTargetRun(result: result, targetFiles: files)
    }

    /// The cell with id `id`.
    func cell(_ id: String) -> CellResult? { result.cells.first { $0.id == id } }

    /// `text` as a YAML double-quoted scalar (the profile writer's own quoting).
    static func quoted(_ text: String) -> String { OneLineProfile.quoted(text) }
}
