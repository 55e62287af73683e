/// TLS settings of an `https://` target, as written in the profile's `target` mapping:
/// `target: {url: "https://host:8443", caFile: ca.pem, serverName: api.example, insecure: false}`.
///
/// Only carried by the profile model; the TLS transport reads them. Certificate
/// verification is on unless ``insecure`` is `true`, which the report shows.
public struct TargetTLSOptions: Sendable, Hashable, Codable {
    /// SNI and the name the certificate must match; `nil`: the URL's host.
    public var serverName: String?
    /// PEM file of trusted CA certificates; `nil`: the system's trust store.
    public var caFile: String?
    /// Skip certificate verification (an explicit opt-out, shown in the report). Default `false`.
    public var insecure: Bool

    /// TLS options; the defaults verify against the system trust store with the URL's host.
    public init(serverName: String? = nil, caFile: String? = nil, insecure: Bool = false) {
        self.serverName = serverName
        self.caFile = caFile
        self.insecure = insecure
    }
}
