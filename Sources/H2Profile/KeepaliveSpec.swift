/// Client keepalive: a PING every `interval` on each connection; a PING not answered within
/// `timeout` closes the connection, and its open streams end `connectionLost` with that reason.
public struct KeepaliveSpec: Sendable, Hashable, Codable {
    /// Time between PINGs (> 0, ≤ 1h).
    public var interval: TimeSpan
    /// Longest wait for the PING ACK (> 0, ≤ 1h; default 5s).
    public var timeout: TimeSpan

    public init(interval: TimeSpan, timeout: TimeSpan = .seconds(5)) {
        self.interval = interval
        self.timeout = timeout
    }
}
