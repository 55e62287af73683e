/// HTTP/2 settings the driver (client) announces and uses.
public struct ClientSettings: Sendable, Hashable, Codable {
    /// `SETTINGS_INITIAL_WINDOW_SIZE`: each stream's receive window (default 65535 B).
    public var streamWindow: ByteCount
    /// Connection-level receive window, raised with a WINDOW_UPDATE on stream 0 (default 1MiB).
    public var connectionWindow: ByteCount
    /// `SETTINGS_MAX_FRAME_SIZE` (default 16KiB; 16KiB…16MiB-1).
    public var maxFrameSize: ByteCount
    /// `SETTINGS_HEADER_TABLE_SIZE` (default 4KiB).
    public var headerTableSize: ByteCount
    /// Ask the embedded server to stamp each message (stream id, index, send time, checksum);
    /// default `true`.
    public var stamp: Bool

    /// Settings with the given values; every parameter defaults to the documented default.
    public init(
        streamWindow: ByteCount = ByteCount(bytes: 65_535),
        connectionWindow: ByteCount = .mebibytes(1),
        maxFrameSize: ByteCount = .kibibytes(16),
        headerTableSize: ByteCount = .kibibytes(4),
        stamp: Bool = true
    ) {
        self.streamWindow = streamWindow
        self.connectionWindow = connectionWindow
        self.maxFrameSize = maxFrameSize
        self.headerTableSize = headerTableSize
        self.stamp = stamp
    }
}
