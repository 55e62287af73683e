/// When the driver returns receive-window credit (WINDOW_UPDATE) to the server.
///
/// In YAML: `client.windowUpdate: on-receive | on-consume`.
public enum WindowUpdatePolicy: String, Sendable, Hashable, Codable {
    /// nghttp2's automatic WINDOW_UPDATE: credit is returned as soon as DATA is received,
    /// whether or not the consumer has taken it (the default).
    case onReceive = "on-receive"
    /// Credit is returned (`nghttp2_session_consume`) only when the consumer takes the data,
    /// like an application that is late to call `Recv()`; see `PendingMessageCredit` for a
    /// message larger than the window.
    case onConsume = "on-consume"
}
