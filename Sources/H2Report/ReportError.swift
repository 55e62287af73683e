/// Failure to write a run's files, phrased for the user (path and reason).
public struct ReportError: Error, CustomStringConvertible, Equatable {
    /// The file or directory involved.
    public var path: String
    /// What was attempted and why it failed, e.g. "cannot create directory: Permission denied".
    public var reason: String

    /// Creates an error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `<path>: <reason>`.
    public var description: String { "\(path): \(reason)" }
}
