import H2Wire

/// One HTTP/2 frame in a connection's ``FrameTrace``: when, which way, what, and the receive
/// windows right after it.
///
/// A plain 48-byte value with no references, so storing one costs no allocation.
/// The JSON form (one object per line in `frames/*.jsonl`) uses the property names as keys.
public struct FrameTraceEntry: Sendable, Hashable, Codable {
    /// Whether the frame came from the peer or went to it. Raw values are the JSON form.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Sent to the peer.
        case sent = "send"
        /// Received from the peer.
        case received = "recv"
    }

    /// Position of the frame in its connection's trace: 0 for the first frame ever recorded,
    /// counting every frame (also those the ring has since overwritten). Gaps between two
    /// entries of a snapshot mean frames were left out.
    public var sequence: UInt64
    /// `CLOCK_MONOTONIC` time in ns when the driver saw the frame.
    public var time: UInt64
    /// Received or sent.
    public var direction: Direction
    /// RFC 9113 frame type (see `FrameEvent.Kind` in H2Wire, ``HTTP2Names/frameType(_:)``).
    public var type: UInt8
    /// Frame flags.
    public var flags: UInt8
    /// Stream the frame belongs to; 0 for connection frames.
    public var streamID: Int32
    /// Frame payload length in bytes (HEADERS: the header block length nghttp2 reports).
    public var length: UInt32
    /// Error code of RST_STREAM or GOAWAY; 0 otherwise.
    public var errorCode: HTTP2ErrorCode
    /// GOAWAY last-stream-id; 0 otherwise.
    public var lastStreamID: Int32
    /// WINDOW_UPDATE increment in bytes; 0 otherwise.
    public var windowIncrement: Int32
    /// The driver's connection receive window in bytes right after the frame.
    public var connectionWindow: Int32
    /// The driver's receive window of ``streamID`` in bytes right after the frame; -1 when not
    /// known (connection frames, closed streams).
    public var streamWindow: Int32

    /// Creates an entry.
    public init(sequence: UInt64, time: UInt64, direction: Direction, type: UInt8, flags: UInt8, streamID: Int32,
                length: UInt32, errorCode: HTTP2ErrorCode = .noError, lastStreamID: Int32 = 0, windowIncrement: Int32 = 0,
                connectionWindow: Int32, streamWindow: Int32) {
        self.sequence = sequence
        self.time = time
        self.direction = direction
        self.type = type
        self.flags = flags
        self.streamID = streamID
        self.length = length
        self.errorCode = errorCode
        self.lastStreamID = lastStreamID
        self.windowIncrement = windowIncrement
        self.connectionWindow = connectionWindow
        self.streamWindow = streamWindow
    }

    /// An all-zero entry, used to fill ring storage before it is written.
    package static let empty = FrameTraceEntry(sequence: 0, time: 0, direction: .received, type: 0, flags: 0, streamID: 0,
                                       length: 0, connectionWindow: 0, streamWindow: 0)
}
