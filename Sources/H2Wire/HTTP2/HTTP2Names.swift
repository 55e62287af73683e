/// The names RFC 9113 gives HTTP/2 frame types, flags and error codes, spelled as `nghttp -v`
/// prints them (`RST_STREAM`, `END_STREAM`, `CANCEL(0x08)`), for traces and reports.
public enum HTTP2Names {
    /// The frame type's name, e.g. `WINDOW_UPDATE`; the common extension frames (ALTSVC, ORIGIN,
    /// PRIORITY_UPDATE) are named too; anything else is `UNKNOWN(0x0b)`.
    public static func frameType(_ type: UInt8) -> String {
        switch type {
        case 0x0: return "DATA"
        case 0x1: return "HEADERS"
        case 0x2: return "PRIORITY"
        case 0x3: return "RST_STREAM"
        case 0x4: return "SETTINGS"
        case 0x5: return "PUSH_PROMISE"
        case 0x6: return "PING"
        case 0x7: return "GOAWAY"
        case 0x8: return "WINDOW_UPDATE"
        case 0x9: return "CONTINUATION"
        case 0xa: return "ALTSVC"
        case 0xc: return "ORIGIN"
        case 0x10: return "PRIORITY_UPDATE"
        default: return "UNKNOWN(\(hex(UInt32(type))))"
        }
    }

    /// The error code's bare name, e.g. `CANCEL`, or nil for a code RFC 9113 does not define
    /// (``HTTP2ErrorCode/named`` is the one table).
    public static func errorCodeName(_ code: HTTP2ErrorCode) -> String? {
        code.name
    }

    /// The error code as `nghttp -v` prints it: `CANCEL(0x08)`, or `UNKNOWN(0x2a)`.
    public static func errorCode(_ code: HTTP2ErrorCode) -> String {
        "\(code.name ?? "UNKNOWN")(\(hex(code.rawValue)))"
    }

    /// Names of the flags set in `flags` that are defined for frame `type`, lowest bit first,
    /// e.g. `["END_STREAM", "END_HEADERS"]` for HEADERS with 0x05. Undefined bits are not named.
    public static func flags(_ flags: UInt8, type: UInt8) -> [String] {
        let defined: [(UInt8, String)]
        switch type {
        case 0x0: defined = [(0x1, "END_STREAM"), (0x8, "PADDED")]
        case 0x1: defined = [(0x1, "END_STREAM"), (0x4, "END_HEADERS"), (0x8, "PADDED"), (0x20, "PRIORITY")]
        case 0x4, 0x6: defined = [(0x1, "ACK")]
        case 0x5: defined = [(0x4, "END_HEADERS"), (0x8, "PADDED")]
        case 0x9: defined = [(0x4, "END_HEADERS")]
        default: defined = []
        }
        return defined.filter { flags & $0.0 != 0 }.map(\.1)
    }

    /// `value` as `0x` and at least two lowercase hex digits.
    public static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return digits.count < 2 ? "0x0" + digits : "0x" + digits
    }
}
