import Foundation
import H2Results

/// Writing a gate's verdicts into a run directory: `report.md` with the gate section and `junit.xml`.
public enum GateRunFiles {
    /// Writes `report.md` (with `gate`) and `junit.xml` into the directory at `path`, each atomically.
    public static func write(_ run: RunResult, gate: GateReport, into directory: RunDirectory) throws {
        try directory.writeFile(named: RunDirectory.reportFileName, contents: Data(MarkdownReport.render(run, gate: gate).utf8))
        try directory.writeFile(named: JUnitReport.fileName, contents: Data(JUnitReport.render(gate).utf8))
    }
}

extension GateRunFiles {
    /// Reads a run given as its folder or its `run.json`, and returns it with its directory.
    public static func loadRun(_ path: String) throws(ReportError) -> (run: RunResult, directory: RunDirectory) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReportError(path: path, reason: "does not exist; give a run folder such as `results/quick-20250101-120000` or its `run.json`")
        }
        let folder = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let file = isDirectory.boolValue ? (path.hasSuffix("/") ? path : path + "/") + RunDirectory.runFileName : path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ReportError(path: file, reason: "cannot be read (\(error.localizedDescription)); give a run folder that holds `run.json`")
        }
        do {
            let run = try RunResult.decode(from: data)
            return (run, RunDirectory(existing: folder.isEmpty ? "." : folder, runID: run.runID))
        } catch {
            throw ReportError(path: file, reason: "is not a valid h2stress run.json (\(error)); was it written by `h2stress run`?")
        }
    }
}

extension RunDirectory {
    /// An existing run directory at `path` (nothing is created).
    public init(existing path: String, runID: String) {
        self.path = path
        self.runID = runID
    }
}
