/// An HTTP/2 error code (RFC 9113 §7), as carried by RST_STREAM and GOAWAY, with the one table
/// of the names the RFC gives them (traces, reports and profiles all read it).
public struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByIntegerLiteral {
    public let rawValue: UInt32

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

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

    // Computed and inlinable rather than `static let`: another module reaches a `static let`
    // through a lazy-initialisation check at every use (on the per-frame path, by perf).
    @inlinable public static var noError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x0) }
    @inlinable public static var protocolError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x1) }
    @inlinable public static var internalError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x2) }
    @inlinable public static var flowControlError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x3) }
    @inlinable public static var settingsTimeout: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x4) }
    @inlinable public static var streamClosed: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x5) }
    @inlinable public static var frameSizeError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x6) }
    @inlinable public static var refusedStream: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x7) }
    @inlinable public static var cancel: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x8) }
    @inlinable public static var compressionError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0x9) }
    @inlinable public static var connectError: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0xa) }
    @inlinable public static var enhanceYourCalm: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0xb) }
    @inlinable public static var inadequateSecurity: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0xc) }
    @inlinable public static var http11Required: HTTP2ErrorCode { HTTP2ErrorCode(rawValue: 0xd) }

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
