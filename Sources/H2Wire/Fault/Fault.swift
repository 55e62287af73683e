/// A misbehaviour the embedded target performs on one stream, asked for by the request header
/// `h2stress-fault` (``Fault/headerName``).
///
/// Header syntax: `<kind>[;after=<k>][;code=<c>][;ms=<n>][;last=below|self][;how=size|gap|checksum]`,
/// e.g. `rst;after=3;code=8`. ``description`` writes that form (canonical, the key of per-fault
/// outcome counts) and ``parse(_:)`` reads it. The server parses it once per request.
///
/// `after` counts response messages for gRPC (the fault happens once `k` messages were sent,
/// i.e. before message index `k`), and body bytes for `GET /bytes/<n>`. `code` is an HTTP/2
/// error code for `rst` and `goaway`, a `grpc-status` for `status`.
public struct Fault: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Request header carrying the fault.
    public static let headerName = "h2stress-fault"

    /// What the server does.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// RST_STREAM(`code`, default CANCEL 8) after `after` messages.
        case rst
        /// GOAWAY(`last`, `code`, default NO_ERROR 0) after `after` messages.
        case goaway
        /// After `after` messages: write half a DATA frame, then close the TCP connection (FIN).
        case close
        /// After `after` messages: write half a DATA frame, then reset the TCP connection (SO_LINGER 0).
        case tcpReset = "tcp-reset"
        /// END_STREAM with `grpc-status: 0` after `after` messages (plain HTTP: after `after` of
        /// the `content-length` bytes).
        case truncate
        /// Message `after` is cut short: its length prefix promises more than is sent before
        /// END_STREAM and `grpc-status: 0`.
        case cut
        /// END_STREAM on the last DATA frame, no trailers (no `grpc-status`), after `after`
        /// messages (default: after all of them).
        case noTrailers = "no-trailers"
        /// `grpc-status: code` (default 13 INTERNAL) after `after` messages.
        case status
        /// Message `after` corrupted (`how`): wrong size, sequence gap or checksum mismatch.
        case corrupt
        /// The server never returns receive-window credit for this stream's request body.
        case withholdCredit = "withhold-credit"
        /// Pause `ms` before message `after`.
        case stall
        /// Delay the response HEADERS by `ms`.
        case delay
        /// RST_STREAM(REFUSED_STREAM 7) as soon as the request headers arrive.
        case refuse
    }

    /// GOAWAY's last-stream-id.
    public enum LastStream: String, Sendable, Hashable, Codable, CaseIterable {
        /// Below this stream (this stream's id − 2): this stream and every later one are refused.
        case below
        /// This stream: it completes, later streams go to a new connection (graceful shutdown).
        case `self`
    }

    /// How `corrupt` damages the message.
    public enum Corruption: String, Sendable, Hashable, Codable, CaseIterable {
        /// The message body is one byte shorter than planned (correctly framed).
        case size
        /// The stamp of message `after` (and every later one) carries the next index: a gap.
        case gap
        /// One body byte flipped after stamping (needs bodies of ≥ 32 bytes, which carry stamps).
        case checksum
    }

    public var kind: Kind
    /// Messages (gRPC) or body bytes (plain HTTP) sent before the fault; nil = the kind's default
    /// (1; `no-trailers`: all messages).
    public var after: Int?
    /// HTTP/2 error code (`rst`, `goaway`) or `grpc-status` (`status`); nil = the kind's default.
    public var code: UInt32?
    /// Milliseconds for `stall` and `delay`.
    public var milliseconds: Int?
    /// GOAWAY's last-stream-id (`goaway`; default `below`).
    public var last: LastStream?
    /// The damage (`corrupt`; default `checksum`).
    public var how: Corruption?

    /// A fault; parameters a kind does not use are ignored when the header is written.
    public init(kind: Kind, after: Int? = nil, code: UInt32? = nil, milliseconds: Int? = nil,
                last: LastStream? = nil, how: Corruption? = nil) {
        self.kind = kind
        self.after = after
        self.code = code
        self.milliseconds = milliseconds
        self.last = last
        self.how = how
    }

    // MARK: Effective parameters

    /// `grpc-status: 13` (INTERNAL), the default of `status`.
    static let grpcInternal: UInt32 = 13

    /// Messages (or bytes) before the fault; `nil` means "after everything" (`no-trailers` default).
    public var effectiveAfter: Int? {
        if let after { return after }
        switch kind {
        case .noTrailers, .withholdCredit, .delay, .refuse: return nil
        default: return 1
        }
    }

    /// The code the fault uses: the HTTP/2 error code of `rst` (default 8 CANCEL) / `goaway`
    /// (default 0 NO_ERROR), the `grpc-status` of `status` (default 13 INTERNAL), 7 for `refuse`.
    public var effectiveCode: UInt32? {
        switch kind {
        case .rst: return code ?? HTTP2ErrorCode.cancel.rawValue
        case .goaway: return code ?? HTTP2ErrorCode.noError.rawValue
        case .status: return code ?? Self.grpcInternal
        case .refuse: return HTTP2ErrorCode.refusedStream.rawValue
        default: return nil
        }
    }

    /// Whether the fault ends the whole connection (every stream on it may be affected; GOAWAY
    /// `last=self` still ends the streams opened after this one).
    public var isConnectionLevel: Bool {
        switch kind {
        case .close, .tcpReset, .goaway: return true
        default: return false
        }
    }

    // MARK: Header text

    /// The canonical header value, e.g. `rst;after=3;code=8` (only the parameters the kind uses).
    public var description: String {
        var text = kind.rawValue
        switch kind {
        case .rst, .goaway, .status:
            if let a = effectiveAfter { text += ";after=\(a)" }
            if let c = effectiveCode { text += ";code=\(c)" }
            if kind == .goaway { text += ";last=\((last ?? .below).rawValue)" }
        case .close, .tcpReset, .truncate, .cut:
            if let a = effectiveAfter { text += ";after=\(a)" }
        case .noTrailers:
            if let a = after { text += ";after=\(a)" }
        case .corrupt:
            if let a = effectiveAfter { text += ";after=\(a)" }
            text += ";how=\((how ?? .checksum).rawValue)"
        case .stall:
            if let a = effectiveAfter { text += ";after=\(a)" }
            text += ";ms=\(milliseconds ?? 0)"
        case .delay:
            text += ";ms=\(milliseconds ?? 0)"
        case .withholdCredit, .refuse:
            break
        }
        return text
    }

    /// Why a header value could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Reads a header value (see the type's syntax). Unknown kinds, keys or values are errors;
    /// the server answers them with `grpc-status: 3` / `:status 400` so a typo is never silent.
    public static func parse(_ text: String) -> Result<Fault, ParseError> {
        var parts = text.split(separator: ";", omittingEmptySubsequences: false).makeIterator()
        let kindText = parts.next().map { String($0).trimmingSpaces() } ?? ""
        guard let kind = Kind(rawValue: kindText) else {
            return .failure(ParseError(description: "unknown fault `\(kindText)`; use one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        var fault = Fault(kind: kind)
        while let part = parts.next() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return .failure(ParseError(description: "fault parameter `\(part)` is not `key=value`")) }
            let key = String(pair[0]).trimmingSpaces()
            let value = String(pair[1]).trimmingSpaces()
            switch key {
            case "after":
                guard let n = Int(value), n >= 0 else { return .failure(ParseError(description: "after=\(value): write a count ≥ 0")) }
                fault.after = n
            case "code":
                guard let n = UInt32(value) else { return .failure(ParseError(description: "code=\(value): write a number")) }
                fault.code = n
            case "ms":
                guard let n = Int(value), n >= 0 else { return .failure(ParseError(description: "ms=\(value): write milliseconds ≥ 0")) }
                fault.milliseconds = n
            case "last":
                guard let l = LastStream(rawValue: value) else { return .failure(ParseError(description: "last=\(value): write below or self")) }
                fault.last = l
            case "how":
                guard let h = Corruption(rawValue: value) else { return .failure(ParseError(description: "how=\(value): write size, gap or checksum")) }
                fault.how = h
            default:
                return .failure(ParseError(description: "unknown fault parameter `\(key)`; use after, code, ms, last or how"))
            }
        }
        return .success(fault)
    }
}
