/// Name and version of the tool that wrote a run (`tool` in `run.json`).
public struct ToolInfo: Sendable, Codable, Equatable {
    /// Always `h2stress` for runs this tool writes.
    public var name: String
    /// Semantic version, see ``ToolVersion/current``.
    public var version: String

    /// Creates tool info; the defaults describe this build.
    public init(name: String = "h2stress", version: String = ToolVersion.current) {
        self.name = name
        self.version = version
    }
}
