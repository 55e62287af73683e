/// One HTTP/2 frame sent or received by a session, for traces and accounting.
///
/// A plain value with no references, so building one per frame costs no allocation.
public struct FrameEvent: Sendable, Hashable {
    /// Whether the frame came from the peer or went to it.
    public enum Direction: Sendable, Hashable {
        /// Received from the peer (reported once the frame is complete).
        case received
        /// Sent to the peer (reported once the frame is serialised into the output).
        case sent
    }

    /// RFC 9113 frame type codes, for comparing with ``type``.
    public enum Kind {
        public static let data: UInt8 = 0x0
        public static let headers: UInt8 = 0x1
        public static let priority: UInt8 = 0x2
        public static let rstStream: UInt8 = 0x3
        public static let settings: UInt8 = 0x4
        public static let pushPromise: UInt8 = 0x5
        public static let ping: UInt8 = 0x6
        public static let goaway: UInt8 = 0x7
        public static let windowUpdate: UInt8 = 0x8
        public static let continuation: UInt8 = 0x9
    }

    /// RFC 9113 frame flag bits, for testing ``flags``.
    public enum Flag {
        /// END_STREAM (DATA, HEADERS).
        public static let endStream: UInt8 = 0x1
        /// ACK (SETTINGS, PING).
        public static let ack: UInt8 = 0x1
        /// END_HEADERS (HEADERS, CONTINUATION).
        public static let endHeaders: UInt8 = 0x4
        /// PADDED (DATA, HEADERS).
        public static let padded: UInt8 = 0x8
    }

    /// Received or sent.
    public var direction: Direction
    /// RFC 9113 frame type (see ``Kind``).
    public var type: UInt8
    /// Stream the frame belongs to; 0 for connection frames.
    public var streamID: Int32
    /// Frame flags (see ``Flag``).
    public var flags: UInt8
    /// Frame payload length in bytes (for HEADERS: the header block as nghttp2 reports it).
    public var length: Int
    /// Error code of RST_STREAM or GOAWAY; 0 otherwise.
    public var errorCode: HTTP2ErrorCode
    /// GOAWAY last-stream-id; 0 otherwise.
    public var lastStreamID: Int32
    /// WINDOW_UPDATE increment in bytes; 0 otherwise.
    public var windowIncrement: Int32
    /// The session's connection receive window right after the frame, when the session was
    /// asked for windows (``ClientSession/reportsWindows``); -1 otherwise.
    public var connectionWindow: Int32 = -1
    /// The frame's stream's receive window right after it, likewise; -1 otherwise and for stream 0.
    public var streamWindow: Int32 = -1

    /// Creates a frame event.
    public init(direction: Direction, type: UInt8, streamID: Int32, flags: UInt8, length: Int,
                errorCode: HTTP2ErrorCode = .noError, lastStreamID: Int32 = 0, windowIncrement: Int32 = 0) {
        self.direction = direction
        self.type = type
        self.streamID = streamID
        self.flags = flags
        self.length = length
        self.errorCode = errorCode
        self.lastStreamID = lastStreamID
        self.windowIncrement = windowIncrement
    }
}
