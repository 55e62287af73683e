import CLinux

/// Shared TLS settings for many connections (an OpenSSL `SSL_CTX`): role, trust store or
/// certificate, ALPN `h2`.
///
/// Threading: built once, then used by one loop thread (each worker builds its own).
public final class TLSContext {
    let handle: OpaquePointer
    /// Whether connections made from this context are the server side.
    public let isServer: Bool

    private init(handle: OpaquePointer, isServer: Bool) {
        self.handle = handle
        self.isServer = isServer
    }

    deinit { CLinux_tls_ctx_free(handle) }

    /// A client context: offers ALPN `h2`; verifies the peer unless `config.insecure`.
    /// Throws when `config.caFile` cannot be loaded.
    public static func client(_ config: TLSClientConfig) throws(TLSError) -> TLSContext {
        var err = [CChar](repeating: 0, count: 512)
        guard let ctx = CLinux_tls_client_ctx(config.caFile, config.insecure ? 1 : 0, &err, err.count) else {
            throw TLSError(Self.text(err))
        }
        return TLSContext(handle: ctx, isServer: false)
    }

    /// A server context presenting `config`'s certificate; it selects ALPN `h2` and rejects
    /// clients that do not offer it. Throws when the files cannot be loaded or do not match.
    public static func server(_ config: TLSServerConfig) throws(TLSError) -> TLSContext {
        var err = [CChar](repeating: 0, count: 512)
        guard let ctx = CLinux_tls_server_ctx(config.certificateFile, config.privateKeyFile, &err, err.count) else {
            throw TLSError(Self.text(err))
        }
        return TLSContext(handle: ctx, isServer: true)
    }

    private static func text(_ chars: [CChar]) -> String {
        let bytes = chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
