/// Settings one endpoint announces in its first SETTINGS frame and applies locally.
///
/// Values are validated by nghttp2 when the session is created; an out-of-range value
/// makes the session initialiser throw ``HTTP2Error``.
public struct HTTP2Settings: Sendable, Hashable {
    /// `SETTINGS_INITIAL_WINDOW_SIZE`: the receive window of every stream, in bytes.
    public var initialWindowSize: Int = 65_535
    /// The connection receive window, in bytes. When above 65,535 it is raised with a
    /// WINDOW_UPDATE on stream 0 sent right after SETTINGS.
    public var connectionWindowSize: Int = 65_535
    /// `SETTINGS_MAX_FRAME_SIZE`: the largest frame payload this endpoint accepts, in bytes.
    public var maxFrameSize: Int = 16_384
    /// `SETTINGS_HEADER_TABLE_SIZE`: the HPACK decoder table size, in bytes.
    public var headerTableSize: Int = 4_096
    /// `SETTINGS_MAX_CONCURRENT_STREAMS`; announced only when set.
    public var maxConcurrentStreams: Int? = nil

    /// Creates the RFC 9113 defaults (no concurrency limit announced).
    public init() {}
}
