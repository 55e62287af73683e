import Glibc

/// A child process that could not be started (``ChildProcess``'s `spawn`): the error number of
/// the failed `posix_spawn`, or of the `pipe2` for its captured output.
public struct SpawnError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `errno` value (`ENOENT`: no such executable).
    public var code: Int32
    /// `strerror` of the code.
    public var description: String { String(cString: strerror(code)) }
}
