import H2Loop

/// What the driver connects to.
///
/// Written `target: embedded` (the in-process test server, the default),
/// `target: {url: "h2c://127.0.0.1:50051"}` (an external HTTP/2 server over cleartext with
/// prior knowledge), `target: {url: "https://host:443", caFile: ca.pem}` (HTTP/2 over TLS,
/// see `TLSClientConfig`) or `target: {command: [...], ready: {port: N}}` (a process the
/// harness starts for each cell, see ``ManagedTargetSpec``).
///
/// Encoded in `run.json` as `"embedded"`, `{"url": "…", "tls": {…}}` or `{"command": {…}}`.
public enum TargetSpec: Sendable, Hashable, Codable {
    /// The embedded server, started in-process on `127.0.0.1:0` for each cell.
    case embedded
    /// An external server: `h2c://host:port`, or `https://host:port` with its TLS options
    /// (`tls` is non-nil exactly when the scheme is `https`).
    case url(String, tls: TLSClientConfig? = nil)
    /// A managed target: a command started before each cell and stopped after it.
    case command(ManagedTargetSpec)

    private enum CodingKeys: String, CodingKey { case url, tls, command }

    /// Encodes as described in the type's summary.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .embedded:
            var c = encoder.singleValueContainer()
            try c.encode("embedded")
        case .url(let url, let tls):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(url, forKey: .url)
            try c.encodeIfPresent(tls, forKey: .tls)
        case .command(let spec):
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(spec, forKey: .command)
        }
    }

    /// Decodes what ``encode(to:)`` writes.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            guard text == "embedded" else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "unknown target `\(text)`")
            }
            self = .embedded
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let spec = try c.decodeIfPresent(ManagedTargetSpec.self, forKey: .command) {
            self = .command(spec)
        } else {
            self = .url(try c.decode(String.self, forKey: .url), tls: try c.decodeIfPresent(TLSClientConfig.self, forKey: .tls))
        }
    }
}
