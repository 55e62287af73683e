/// A TLS failure: a context that could not be set up (unreadable CA, certificate or key file)
/// or a connection whose handshake or record layer failed ("certificate verification failed:
/// hostname mismatch", "server did not select ALPN protocol h2 …").
public struct TLSError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What failed, phrased for a user.
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
