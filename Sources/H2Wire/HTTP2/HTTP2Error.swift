import CNghttp2

/// An nghttp2 library failure: a session could not be created, a submit was refused, or
/// the peer broke the protocol badly enough that the connection cannot continue.
public struct HTTP2Error: Error, Sendable, CustomStringConvertible {
    /// The nghttp2 library error code (a negative `nghttp2_error` value).
    public var code: Int32
    /// The library's description of `code` (`nghttp2_strerror`), possibly with context.
    public var message: String

    /// Creates an error from a code and message.
    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    /// Creates an error from an nghttp2 return code; `operation` names the failing call.
    init(libraryCode code: Int32, operation: StaticString) {
        self.code = code
        self.message = "\(operation): \(String(cString: nghttp2_strerror(code)))"
    }

    /// `"nghttp2 error <code>: <message>"`.
    public var description: String { "nghttp2 error \(code): \(message)" }

    /// True when the session cannot be used any more (`nghttp2_is_fatal`).
    public var isFatal: Bool { nghttp2_is_fatal(code) != 0 }
}
