/// How the driver speaks TLS to a target (`https://` URLs).
///
/// Certificate verification is on unless ``insecure`` is set: the peer's chain must lead to a
/// CA in the system default store or in ``caFile``, and its certificate must name
/// ``serverName`` (DNS name or IP address). ALPN always offers `h2` and requires it.
///
/// Also the profile's form of these options (`target: {url: "https://…", caFile: …, serverName: …,
/// insecure: …}`), hence `Codable`.
public struct TLSClientConfig: Sendable, Hashable, Codable {
    /// Name sent as SNI (when it is a DNS name) and checked against the certificate; nil: the
    /// URL's host (``ExternalTargetLauncher`` fills it in).
    public var serverName: String?
    /// PEM file with extra trusted CA certificates (added to the system store).
    public var caFile: String?
    /// Skips certificate verification entirely. Explicit opt-out; reports say so.
    public var insecure: Bool

    public init(serverName: String? = nil, caFile: String? = nil, insecure: Bool = false) {
        self.serverName = serverName
        self.caFile = caFile
        self.insecure = insecure
    }

    /// One line for results and reports, e.g. "TLS, certificate verified (CA file ca.pem, name localhost)"
    /// or "TLS, certificate NOT verified (insecure)".
    public var summary: String {
        if insecure { return "TLS, certificate NOT verified (insecure)" }
        var parts: [String] = []
        parts.append(caFile.map { "system CAs + CA file \($0)" } ?? "system CAs")
        if let serverName { parts.append("name \(serverName)") }
        return "TLS, certificate verified (\(parts.joined(separator: ", ")))"
    }
}

/// The certificate and key a TLS server presents (PEM files).
public struct TLSServerConfig: Sendable, Hashable {
    /// PEM certificate chain: the server certificate first, then intermediates.
    public var certificateFile: String
    /// PEM private key of the server certificate.
    public var privateKeyFile: String

    public init(certificateFile: String, privateKeyFile: String) {
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
    }
}
