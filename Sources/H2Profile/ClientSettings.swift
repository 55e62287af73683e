import H2Wire

/// HTTP/2 settings the driver (client) announces and uses, and how it treats each stream:
/// deadline, window-credit policy and connect timeout.
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
    /// Which stamped bodies the driver sums in full (default one in 64; stamps and lengths are
    /// checked on every message, and every body of a faulted stream is summed).
    public var checksum: ChecksumSampling
    /// Per-stream deadline, measured from the stream's start; on expiry the driver cancels the
    /// stream with RST_STREAM(CANCEL) and records outcome `deadline`. `nil` (the default): none.
    /// When set, > 0 and ≤ 1h.
    public var deadline: TimeSpan?
    /// When *stream*-level receive-window credit is returned (default `.onReceive`).
    public var windowUpdate: WindowUpdatePolicy
    /// When *connection*-level receive-window credit is returned (default `.onReceive`, grpc-go's
    /// behaviour: connection credit follows receipt even when stream credit follows the
    /// application's reads). `.onConsume` ties both to the consumer (valid only with
    /// `windowUpdate == .onConsume`).
    public var connectionWindowUpdate: WindowUpdatePolicy
    /// Send the stream's remaining ``deadline`` as a `grpc-timeout` request header on gRPC
    /// streams, as a real gRPC client does (default `true`; no effect without a deadline).
    public var sendGrpcTimeout: Bool
    /// Credit for a partly received message the consumer is waiting for; only meaningful with
    /// `windowUpdate == .onConsume` (default `.grant`).
    public var pendingMessageCredit: PendingMessageCredit
    /// Longest wait for a TCP connection to be established (default 5s; > 0, ≤ 1h).
    public var connectTimeout: TimeSpan
    /// PING keepalive (default none).
    public var keepalive: KeepaliveSpec?

    /// Settings with the given values; every parameter defaults to the documented default.
    public init(
        streamWindow: ByteCount = ByteCount(bytes: 65_535),
        connectionWindow: ByteCount = .mebibytes(1),
        maxFrameSize: ByteCount = .kibibytes(16),
        headerTableSize: ByteCount = .kibibytes(4),
        stamp: Bool = true,
        checksum: ChecksumSampling = .default,
        deadline: TimeSpan? = nil,
        windowUpdate: WindowUpdatePolicy = .onReceive,
        connectionWindowUpdate: WindowUpdatePolicy = .onReceive,
        sendGrpcTimeout: Bool = true,
        pendingMessageCredit: PendingMessageCredit = .grant,
        connectTimeout: TimeSpan = .seconds(5),
        keepalive: KeepaliveSpec? = nil
    ) {
        self.keepalive = keepalive
        self.streamWindow = streamWindow
        self.connectionWindow = connectionWindow
        self.maxFrameSize = maxFrameSize
        self.headerTableSize = headerTableSize
        self.stamp = stamp
        self.checksum = checksum
        self.deadline = deadline
        self.windowUpdate = windowUpdate
        self.connectionWindowUpdate = connectionWindowUpdate
        self.sendGrpcTimeout = sendGrpcTimeout
        self.pendingMessageCredit = pendingMessageCredit
        self.connectTimeout = connectTimeout
    }
}
