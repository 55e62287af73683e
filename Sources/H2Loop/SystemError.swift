import CLinux
import Glibc

/// A failed system call: which call, and errno.
///
/// The loop layer maps `EINTR` to a retry and `EAGAIN`/`EWOULDBLOCK` to a "would block"
/// result before this error is ever thrown; what remains is a real failure the caller reports.
public struct SystemError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The C function that failed, e.g. `"connect"`.
    public var call: String
    /// `errno` at the time of the failure.
    public var errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// "connect: Connection refused (errno 111)".
    public var description: String {
        "\(call): \(String(cString: strerror(errno))) (errno \(errno))"
    }

    /// True when the peer went away (reset, broken pipe) rather than a local fault.
    public var isPeerGone: Bool {
        errno == ECONNRESET || errno == EPIPE || errno == ECONNABORTED || errno == ETIMEDOUT
    }

    static func last(_ call: String) -> SystemError { SystemError(call: call, errno: Glibc.errno) }
}

/// Result of a non-blocking read or write.
public enum IOResult: Equatable, Sendable {
    /// This many bytes were transferred (> 0).
    case bytes(Int)
    /// The socket has nothing to give / no room right now.
    case wouldBlock
    /// The peer closed its side (read returned 0).
    case endOfFile
}

/// A host name the system resolver could not turn into an address.
public struct HostResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name as given.
    public var host: String
    /// The resolver's words (`gai_strerror`), e.g. "Name or service not known".
    public var reason: String

    public var description: String { "cannot resolve `\(host)`: \(reason)" }
}
