import H2Wire

/// The one place a profile's `client` and `server` sections become the settings an HTTP/2
/// endpoint announces (driver, embedded server, `serve`, `bench`).
extension HTTP2Settings {
    /// What the driver announces: windows, max frame size and header table from `client`.
    public init(client: ClientSettings) {
        self.init()
        initialWindowSize = client.streamWindow.bytes
        connectionWindowSize = client.connectionWindow.bytes
        maxFrameSize = client.maxFrameSize.bytes
        headerTableSize = client.headerTableSize.bytes
    }

    /// What the embedded server announces: windows, max frame size and concurrency from `server`.
    public init(server: ServerSettings) {
        self.init()
        initialWindowSize = server.streamWindow.bytes
        connectionWindowSize = server.connectionWindow.bytes
        maxFrameSize = server.maxFrameSize.bytes
        maxConcurrentStreams = server.maxConcurrentStreams
    }
}
