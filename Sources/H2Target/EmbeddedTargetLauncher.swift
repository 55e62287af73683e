import H2Stress
import H2Wire

/// Launches a fresh embedded server per cell, configured from the cell's `server` section and
/// its server thread count.
public struct EmbeddedTargetLauncher: TargetLauncher {
    public var host: String

    public init(host: String = "127.0.0.1") { self.host = host }

    public func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget {
        let config = Self.config(for: cell, host: host)
        let server: EmbeddedServer
        do {
            server = try EmbeddedServer.start(config)
        } catch {
            throw TargetError("embedded server could not listen on \(host): \(error)")
        }
        let address = TargetAddress(host: server.host, port: server.port)
        return LaunchedTarget(
            address: address,
            description: "embedded \(address) (\(config.threads) thread\(config.threads == 1 ? "" : "s"))",
            stampsBodies: true,
            stop: {
                let s = server.stop()
                return TargetObservation(connectionsAccepted: s.connectionsAccepted, streamsStarted: s.streamsStarted,
                                         streamsFinished: s.streamsFinished, dataBytesSent: s.dataBytesSent,
                                         messagesQueued: s.messagesQueued, flowControl: s.flowControl)
            })
    }

    /// The server configuration a cell asks for.
    public static func config(for cell: Cell, host: String = "127.0.0.1") -> EmbeddedServerConfig {
        EmbeddedServerConfig(host: host, port: 0, threads: cell.serverThreads, settings: settings(cell.profile.server))
    }

    /// HTTP/2 settings from a profile's `server` section.
    public static func settings(_ server: ServerSettings) -> HTTP2Settings {
        var s = HTTP2Settings()
        s.initialWindowSize = server.streamWindow.bytes
        s.connectionWindowSize = server.connectionWindow.bytes
        s.maxFrameSize = server.maxFrameSize.bytes
        s.maxConcurrentStreams = server.maxConcurrentStreams
        return s
    }
}

/// Sends load to an external h2c server named by URL; nothing to start or stop.
public struct ExternalTargetLauncher: TargetLauncher {
    public var address: TargetAddress
    public var url: String

    /// Parses `h2c://host:port`. `localhost` means 127.0.0.1; other hosts must be numeric.
    public init(url: String) throws(TargetError) {
        self.url = url
        guard url.hasPrefix("h2c://") else {
            throw TargetError("target url `\(url)`: only h2c://host:port (HTTP/2 over cleartext, prior knowledge) is supported")
        }
        var rest = Substring(url.dropFirst(6))
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
        let numeric = host == "localhost" ? "127.0.0.1" : String(host)
        address = TargetAddress(host: numeric, port: port)
    }

    public func launch(for cell: Cell) throws(TargetError) -> LaunchedTarget {
        LaunchedTarget(address: address, description: url, stampsBodies: false, stop: { nil })
    }
}
