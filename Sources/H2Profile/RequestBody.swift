import Foundation

/// The body of a generic request (`http.request.body`) or one request message of a generic
/// gRPC call (`grpc.call.request`), as written and as the bytes it resolved to at load.
///
/// Written as a size (`4KiB`: filler bytes; for a gRPC message, a valid protobuf message of
/// exactly that many bytes, see ``OpaqueMessage``), `{text: …}`, `{base64: …}` or
/// `{file: F}` (read once at load, relative to the profile's folder).
///
/// Encoded (Codable, in `run.json`'s `profile`) as the source only — `{"file": F, "bytes": n}`
/// for a file, never its content; decoding reads the file again.
public struct RequestBody: Sendable, Hashable, Codable, CustomStringConvertible {
    /// How the body was written.
    public enum Source: Sendable, Hashable {
        case size(ByteCount)
        case text(String)
        case base64(String)
        /// The path as written, and the path it resolved to.
        case file(written: String, resolved: String)
    }

    /// Largest body or request message: 64 MiB.
    public static let maxBytes = 64 << 20

    /// How the body was written.
    public var source: Source
    /// The bytes sent.
    public var bytes: [UInt8]

    /// A body of `bytes` written as `source`.
    public init(source: Source, bytes: [UInt8]) {
        self.source = source
        self.bytes = bytes
    }

    /// `4KiB`, `text (5 bytes)`, `base64 (12 bytes)`, `file req.bin (12 bytes)`.
    public var description: String {
        switch source {
        case .size(let size): "\(size)"
        case .text: "text (\(bytes.count) bytes)"
        case .base64: "base64 (\(bytes.count) bytes)"
        case .file(let written, _): "file \(written) (\(bytes.count) bytes)"
        }
    }

    private enum CodingKeys: String, CodingKey { case size, text, base64, file, bytes }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch source {
        case .size(let size): try c.encode(size, forKey: .size)
        case .text(let text): try c.encode(text, forKey: .text)
        case .base64(let text): try c.encode(text, forKey: .base64)
        case .file(_, let resolved):
            try c.encode(resolved, forKey: .file)
            try c.encode(bytes.count, forKey: .bytes)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let size = try c.decodeIfPresent(ByteCount.self, forKey: .size) {
            self.init(source: .size(size), bytes: [UInt8](repeating: Self.filler, count: size.bytes))
        } else if let text = try c.decodeIfPresent(String.self, forKey: .text) {
            self.init(source: .text(text), bytes: Array(text.utf8))
        } else if let text = try c.decodeIfPresent(String.self, forKey: .base64), let data = Data(base64Encoded: text) {
            self.init(source: .base64(text), bytes: [UInt8](data))
        } else {
            let path = try c.decode(String.self, forKey: .file)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DecodingError.dataCorruptedError(forKey: .file, in: c, debugDescription: "cannot read \(path)")
            }
            self.init(source: .file(written: path, resolved: path), bytes: [UInt8](data))
        }
    }

    /// The filler byte of a body written as a size (`x`).
    public static let filler: UInt8 = 0x78
}
