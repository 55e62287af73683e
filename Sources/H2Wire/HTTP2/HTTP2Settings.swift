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

    /// The receive windows h2stress accepts (stream and connection), in bytes: at least one
    /// byte, at most the RFC 9113 §6.9.1 limit of 2^31 − 1.
    public static let windowSizeRange = 1...Int(Int32.max)
    /// `SETTINGS_MAX_FRAME_SIZE` values RFC 9113 §6.5.2 allows: 16 KiB to 16 MiB − 1.
    public static let maxFrameSizeRange = 16_384...16_777_215
}
