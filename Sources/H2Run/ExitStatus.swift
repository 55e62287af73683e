/// Exit codes shared by every subcommand (README.md, *Exit codes*).
public enum ExitStatus {
    /// Success: every gate rule passed.
    public static let success: Int32 = 0
    /// A gate rule failed.
    public static let gateFailed: Int32 = 1
    /// The run could not be done (e.g. no stream could be started); results are written anyway.
    public static let runFailed: Int32 = 2
    /// Bad usage or a broken profile.
    public static let usage: Int32 = 64
    /// Interrupted by Ctrl-C.
    public static let interrupted: Int32 = 130
}

/// A step of a command that ends the command with `status`, after printing `message` as
/// `error: …` on stderr (when there is one). The command line turns it into its exit code.
public struct ExitError: Error, Sendable, CustomStringConvertible {
    public var status: Int32
    public var message: String?

    public init(_ status: Int32, _ message: String? = nil) {
        self.status = status
        self.message = message
    }

    public var description: String { message ?? "exit \(status)" }
}
