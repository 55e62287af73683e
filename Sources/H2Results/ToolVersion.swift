/// The version of h2stress recorded in every `run.json`.
public enum ToolVersion {
    /// This build's version.
    public static let current = "0.1.0"
}
