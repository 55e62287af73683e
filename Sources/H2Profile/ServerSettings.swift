/// Settings of the embedded target server, or of a managed (`command`) target that is passed them
/// as `{server.*}` placeholders. Writing any of them for a `url` target, or for a command that
/// uses no placeholder for it, is a profile error (``ProfileDecoder/checkServerSettingsApply(to:server:sweep:)``).
public struct ServerSettings: Sendable, Hashable, Codable {
    /// Server event-loop threads (default 1; 1…256). A sweep's `serverThreads` overrides it.
    public var threads: Int
    /// `SETTINGS_INITIAL_WINDOW_SIZE` the server announces (default 65535 B).
    public var streamWindow: ByteCount
    /// The server's connection-level receive window (default 1MiB).
    public var connectionWindow: ByteCount
    /// `SETTINGS_MAX_CONCURRENT_STREAMS` (default 1000).
    public var maxConcurrentStreams: Int
    /// `SETTINGS_MAX_FRAME_SIZE` the server announces (default 16KiB).
    public var maxFrameSize: ByteCount

    /// Settings with the given values; every parameter defaults to the documented default.
    public init(
        threads: Int = 1,
        streamWindow: ByteCount = ByteCount(bytes: 65_535),
        connectionWindow: ByteCount = .mebibytes(1),
        maxConcurrentStreams: Int = 1000,
        maxFrameSize: ByteCount = .kibibytes(16)
    ) {
        self.threads = threads
        self.streamWindow = streamWindow
        self.connectionWindow = connectionWindow
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxFrameSize = maxFrameSize
    }
}
