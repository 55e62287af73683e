/// A mistake in a profile or in a `--set` override, with what the user needs to fix it.
///
/// `description` reads
/// "profile `profiles/x.yaml`, line 12: `connections` must be ≥ 1, got 0";
/// the message says what to write instead. The command line exits 64 with it.
public struct ProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The profile file as given (or the `file` label passed to `ProfileLoader.parse`).
    public var file: String
    /// 1-based line of the offending YAML node; `nil` for problems without one
    /// (a missing top-level field, a `--set` override, an unreadable file).
    public var line: Int?
    /// Dotted path of the field, e.g. `mix[1].grpc.serverStream.size`; empty for the whole file.
    public var field: String
    /// What is wrong and what to write instead.
    public var message: String

    /// An error at `file`/`line` about `field`.
    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// "profile `FILE`, line N: MESSAGE" (without ", line N" when the line is unknown). For the
    /// profile `run --url` makes, the line is one of what `--print-profile` shows.
    public var description: String {
        let location = line.map { ", line \($0)" } ?? ""
        if file == OneLineProfile.fileName {
            return "the profile `run --url` makes\(line == nil ? "" : " (see `--print-profile`)")\(location): \(message)"
        }
        return "profile `\(file)`\(location): \(message)"
    }
}
