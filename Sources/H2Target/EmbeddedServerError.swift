import H2Loop

/// The embedded server could not start: its address could not be bound, or its TLS
/// certificate/key could not be loaded.
public enum EmbeddedServerError: Error, Sendable, CustomStringConvertible {
    /// bind/listen (or the event loop) failed.
    case listen(SystemError)
    /// The TLS certificate or key file could not be loaded or do not match.
    case tls(TLSError)

    public var description: String {
        switch self {
        case .listen(let e): return e.description
        case .tls(let e): return e.description
        }
    }
}
