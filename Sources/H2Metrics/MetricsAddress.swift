import H2Loop

/// The `host:port` the metrics endpoint listens on (`--metrics 127.0.0.1:0`, `0.0.0.0:9464`, `[::1]:9464`,
/// `localhost:9464`).
///
/// Invariants: ``host`` is non-empty and has no brackets; ``port`` is 0 (any free port) … 65535.
public struct MetricsAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host as written (a name, an IPv4 address or an IPv6 address without brackets).
    public var host: String
    /// The port; 0 lets the system pick a free one.
    public var port: UInt16

    /// Parses `host:port` or `[v6]:port`.
    public init(parsing text: String) throws(MetricsError) {
        var host: Substring
        var portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .badAddress(text, reason: "the IPv6 address has no closing `]`")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .badAddress(text, reason: "no `:port` after `]`") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .badAddress(text, reason: "no port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { throw .badAddress(text, reason: "an IPv6 address needs brackets") }
        }
        guard !host.isEmpty else { throw .badAddress(text, reason: "no host") }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(portText) else {
            throw .badAddress(text, reason: "the port `\(portText)` is not a number from 0 to 65535")
        }
        self.host = String(host)
        self.port = port
    }

    /// `host:port`, with brackets around an IPv6 host.
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The numeric address to bind: the host itself when numeric, else what the resolver gives.
    func numericHost() throws(MetricsError) -> String {
        switch TCPSocket.resolve(host: host) {
        case .success(let numeric): return numeric
        case .failure(let error): throw .badAddress(description, reason: "the host does not resolve (\(error.reason))")
        }
    }
}
