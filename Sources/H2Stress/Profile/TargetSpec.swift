/// What the driver connects to.
///
/// Written `target: embedded` (the in-process test server, the default) or
/// `target: {url: "h2c://127.0.0.1:50051"}` (an external HTTP/2 server over cleartext with
/// prior knowledge). `https://`/`h2://` URLs are rejected at load time for now.
public enum TargetSpec: Sendable, Hashable, Codable {
    /// The embedded server, started in-process on `127.0.0.1:0` for each cell.
    case embedded
    /// An external server; the URL is validated to be `h2c://host:port`.
    case url(String)
}
