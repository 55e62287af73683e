/// Where a cell's load goes: a numeric address (loopback in tests and CI) and the authority.
public struct TargetAddress: Sendable, Hashable, CustomStringConvertible {
    /// The numeric address connections go to.
    public var host: String
    public var port: UInt16
    /// The host name it was resolved from, when the target was named (sent in `:authority`).
    public var name: String?
    public init(host: String, port: UInt16, name: String? = nil) {
        self.host = host
        self.port = port
        self.name = name
    }
    /// `name:port`, or `host:port` (IPv6 in brackets), used as `:authority`.
    public var description: String {
        let shown = name ?? host
        return shown.contains(":") ? "[\(shown)]:\(port)" : "\(shown):\(port)"
    }
}
