/// An HTTP/2 error code (RFC 9113 §7), as carried by RST_STREAM and GOAWAY, with the one table
/// of the names the RFC gives them (traces, reports and profiles all read it).
public struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByIntegerLiteral {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// A code written as its number (wire values, tests); product code names its codes.
    public init(integerLiteral value: UInt32) { self.rawValue = value }

    /// Encoded as the bare number, as `run.json` and frame traces have always carried it.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(UInt32.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static let noError = HTTP2ErrorCode(rawValue: 0x0)
    public static let protocolError = HTTP2ErrorCode(rawValue: 0x1)
    public static let internalError = HTTP2ErrorCode(rawValue: 0x2)
    public static let flowControlError = HTTP2ErrorCode(rawValue: 0x3)
    public static let settingsTimeout = HTTP2ErrorCode(rawValue: 0x4)
    public static let streamClosed = HTTP2ErrorCode(rawValue: 0x5)
    public static let frameSizeError = HTTP2ErrorCode(rawValue: 0x6)
    public static let refusedStream = HTTP2ErrorCode(rawValue: 0x7)
    public static let cancel = HTTP2ErrorCode(rawValue: 0x8)
    public static let compressionError = HTTP2ErrorCode(rawValue: 0x9)
    public static let connectError = HTTP2ErrorCode(rawValue: 0xa)
    public static let enhanceYourCalm = HTTP2ErrorCode(rawValue: 0xb)
    public static let inadequateSecurity = HTTP2ErrorCode(rawValue: 0xc)
    public static let http11Required = HTTP2ErrorCode(rawValue: 0xd)

    /// Every code RFC 9113 defines, with its name, in code order.
    public static let named: [(name: String, code: HTTP2ErrorCode)] = [
        ("NO_ERROR", .noError), ("PROTOCOL_ERROR", .protocolError), ("INTERNAL_ERROR", .internalError),
        ("FLOW_CONTROL_ERROR", .flowControlError), ("SETTINGS_TIMEOUT", .settingsTimeout), ("STREAM_CLOSED", .streamClosed),
        ("FRAME_SIZE_ERROR", .frameSizeError), ("REFUSED_STREAM", .refusedStream), ("CANCEL", .cancel),
        ("COMPRESSION_ERROR", .compressionError), ("CONNECT_ERROR", .connectError), ("ENHANCE_YOUR_CALM", .enhanceYourCalm),
        ("INADEQUATE_SECURITY", .inadequateSecurity), ("HTTP_1_1_REQUIRED", .http11Required),
    ]

    /// What a peer did to earn this code from nghttp2 (RFC 9113 §7, in the words a reader of a
    /// failed run needs), for a GOAWAY the client sent without a reason of its own; nil for
    /// `NO_ERROR` and codes nghttp2 does not send for a peer's fault.
    public var peerFault: String? {
        switch self {
        case .protocolError: "PROTOCOL_ERROR: a frame or sequence of frames HTTP/2 does not allow"
        case .flowControlError: "FLOW_CONTROL_ERROR: the flow-control rules"
        case .settingsTimeout: "SETTINGS_TIMEOUT: the client's SETTINGS were not acknowledged in time"
        case .streamClosed: "STREAM_CLOSED: a frame on a stream that was already closed"
        case .frameSizeError: "FRAME_SIZE_ERROR: a frame of a size HTTP/2 does not allow"
        case .compressionError: "COMPRESSION_ERROR: a header block the client could not decode, "
            + "such as bad HPACK or a header field larger than nghttp2's 64 KiB limit"
        case .enhanceYourCalm: "ENHANCE_YOUR_CALM: more frames than the client accepts"
        default: nil
        }
    }

    /// The RFC's name, e.g. `CANCEL`; nil for a code it does not define.
    public var name: String? {
        rawValue < UInt32(Self.named.count) ? Self.named[Int(rawValue)].name : nil
    }
}
