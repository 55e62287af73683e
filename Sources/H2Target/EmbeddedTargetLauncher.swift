import H2Loop
import H2Wire
import H2Profile

/// Launches a fresh embedded server per cell, configured from the cell's `server` section and
/// its server thread count.
public struct EmbeddedTargetLauncher: TargetLauncher {
    public var host: String
    /// Serve TLS with this certificate (nil: h2c); the driver then connects with ``clientTLS``.
    public var serverTLS: TLSServerConfig?
    /// How the driver speaks TLS to the embedded server (used only with ``serverTLS``).
    public var clientTLS: TLSClientConfig

    public init(host: String = "127.0.0.1", serverTLS: TLSServerConfig? = nil, clientTLS: TLSClientConfig = TLSClientConfig()) {
        self.host = host
        self.serverTLS = serverTLS
        self.clientTLS = clientTLS
    }

    public func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget {
        var config = Self.config(for: cell, host: host)
        config.tls = serverTLS
        let server: EmbeddedServer
        do {
            server = try EmbeddedServer.start(config)
        } catch {
            throw TargetError("embedded server could not listen on \(host): \(error)")
        }
        let address = TargetAddress(host: server.host, port: server.port)
        return LaunchedTarget(
            address: address,
            description: "embedded \(address) (\(config.threads) thread\(config.threads == 1 ? "" : "s"))"
                + (serverTLS != nil ? ", \(clientTLS.summary)" : ""),
            stampsBodies: true,
            tls: serverTLS != nil ? clientTLS : nil,
            stop: {
                let s = server.stop()
                return TargetObservation(connectionsAccepted: s.connectionsAccepted, streamsStarted: s.streamsStarted,
                                         streamsFinished: s.streamsFinished, dataBytesSent: s.dataBytesSent,
                                         messagesQueued: s.messagesQueued, grpcTimeoutsReceived: s.grpcTimeoutsReceived,
                                         deadlinesExceeded: s.deadlinesExceeded, flowControl: s.flowControl)
            })
    }

    /// The server configuration a cell asks for.
    public static func config(for cell: Cell, host: String = "127.0.0.1") -> EmbeddedServerConfig {
        EmbeddedServerConfig(host: host, port: 0, threads: cell.serverThreads, settings: HTTP2Settings(server: cell.profile.server))
    }
}

/// Sends load to an external server named by URL; nothing to start or stop.
///
/// `h2c://host:port`: HTTP/2 over cleartext with prior knowledge. `https://host:port`: HTTP/2
/// over TLS (ALPN `h2`), the certificate verified against the system CAs (plus
/// `TLSClientConfig.caFile`) and the host name unless `insecure`.
public struct ExternalTargetLauncher: TargetLauncher {
    public var address: TargetAddress
    public var url: String
    /// TLS settings for `https://` URLs (nil for `h2c://`); `serverName` defaults to the URL's host.
    public var tls: TLSClientConfig?

    /// Parses `h2c://host:port` or `https://host:port`. A host name is resolved here, once,
    /// by the system resolver (`/etc/hosts`, DNS; an IPv4 address when it has one); every
    /// connection of the run goes to that address. `tls` (CA file, insecure, server name)
    /// applies to `https://` only, and certificate checks and SNI use the name from the URL. A
    /// name that does not resolve, or a CA file that cannot be loaded, is reported here, before
    /// any load is sent.
    public init(url: String, tls: TLSClientConfig? = nil) throws(TargetError) {
        self.url = url
        let schemeLength: Int
        if url.hasPrefix("h2c://") {
            schemeLength = 6
            if tls != nil {
                throw TargetError("target url `\(url)`: `caFile`/`insecure`/`serverName` apply to https:// targets only")
            }
        } else if url.hasPrefix("https://") {
            schemeLength = 8
        } else {
            throw TargetError("target url `\(url)`: write h2c://host:port (HTTP/2 over cleartext, prior knowledge) or https://host:port (HTTP/2 over TLS)")
        }
        var rest = Substring(url.dropFirst(schemeLength))
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw TargetError("target url `\(url)`: unclosed `[` in the IPv6 address") }
            host = rest[rest.index(after: rest.startIndex)..<close]
            portText = rest[close...].dropFirst(2)
        } else {
            guard let colon = rest.lastIndex(of: ":") else { throw TargetError("target url `\(url)`: write a port, e.g. h2c://127.0.0.1:50051") }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
        }
        guard let port = UInt16(portText), port > 0 else {
            throw TargetError("target url `\(url)`: `\(portText)` is not a port number (1–65535)")
        }
        switch TCPSocket.resolve(host: String(host)) {
        case .success(let numeric):
            address = TargetAddress(host: numeric, port: port, name: numeric == host ? nil : String(host))
        case .failure(let error): throw TargetError("target url `\(url)`: \(error)")
        }
        if schemeLength == 8 {
            var config = tls ?? TLSClientConfig()
            if config.serverName == nil { config.serverName = String(host) }
            do {
                _ = try TLSContext.client(config)   // fail now on an unreadable CA file
            } catch {
                throw TargetError("target url `\(url)`: \(error)")
            }
            self.tls = config
        }
    }

    public func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget {
        LaunchedTarget(address: address, description: tls.map { "\(url) (\($0.summary))" } ?? url,
                       stampsBodies: false, tls: tls, stop: { nil })
    }
}
