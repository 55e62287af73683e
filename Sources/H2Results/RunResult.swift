import Foundation

/// Everything one run produced: the content of `results/<run-id>/run.json`, schema `h2stress.run/v1`.
///
/// Written pretty-printed with sorted keys (see ``encodedJSON()``), after every cell and at the end.
public struct RunResult: Sendable, Codable {
    /// The schema identifier written by this version.
    public static let currentSchema = "h2stress.run/v1"

    /// Schema identifier, ``currentSchema`` for runs this tool writes.
    public var schema: String = RunResult.currentSchema
    /// The tool that wrote the run.
    public var tool: ToolInfo
    /// The run's id: the name of its results directory, e.g. `smoke-20250101-120000`.
    public var runID: String
    /// When the run started, ISO-8601 UTC (``UTCTimestamp/iso8601(_:)``).
    public var startedAt: String
    /// When the run ended, ISO-8601 UTC; absent while running.
    public var finishedAt: String?
    /// Where the run stands.
    public var status: RunStatus
    /// The machine it ran on.
    public var environment: EnvironmentInfo
    /// Path of the profile file as given by the user.
    public var profileFile: String
    /// The resolved profile (defaults applied, sweep not yet expanded) as JSON.
    public var profile: JSONValue
    /// What was measured, e.g. `embedded 127.0.0.1:40123` or `url http://host:8080`.
    public var target: String
    /// Results of the cells that ran, in order.
    public var cells: [CellResult]
    /// Run-level remarks.
    public var notes: [String]
    /// ``ProfileHash`` of the resolved profile: the same for every shard of one run. Absent in
    /// files written before it existed.
    public var profileHash: String?
    /// The shard this run was and when its cells started; absent for unsharded runs.
    public var shard: ShardRecord?
    /// The shard runs a merged run was made of; absent for runs not written by `merge`.
    public var merge: MergeRecord?

    /// Creates a run record; `status` starts as ``RunStatus/running`` and `cells` empty.
    public init(
        tool: ToolInfo = ToolInfo(), runID: String, startedAt: String, finishedAt: String? = nil,
        status: RunStatus = .running, environment: EnvironmentInfo, profileFile: String,
        profile: JSONValue, target: String, cells: [CellResult] = [], notes: [String] = []
    ) {
        self.tool = tool
        self.runID = runID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.environment = environment
        self.profileFile = profileFile
        self.profile = profile
        self.target = target
        self.cells = cells
        self.notes = notes
    }

    /// The profile's `name` member when present, else the profile file's base name without extension.
    public var profileName: String {
        if let name = profile["name"]?.stringValue, !name.isEmpty { return name }
        let base = profileFile.split(separator: "/").last.map(String.init) ?? profileFile
        if let dot = base.lastIndex(of: "."), dot != base.startIndex {
            return String(base[..<dot])
        }
        return base.isEmpty ? "run" : base
    }

    /// The canonical `run.json` bytes: pretty-printed, sorted keys, slashes unescaped, trailing newline.
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads a `run.json`.
    public static func decode(from data: Data) throws -> RunResult {
        try JSONDecoder().decode(RunResult.self, from: data)
    }
}
