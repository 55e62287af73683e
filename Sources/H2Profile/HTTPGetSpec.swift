/// A plain HTTP/2 `GET` expecting a body of `size` bytes.
public struct HTTPGetSpec: Sendable, Hashable, Codable {
    /// Expected response body size.
    public var size: ByteCount
    /// Request path; `nil` means `/bytes/<size in bytes>` (the embedded server's endpoint).
    public var path: String?

    /// An HTTP GET spec.
    public init(size: ByteCount, path: String? = nil) {
        self.size = size
        self.path = path
    }

    /// The path to request: `path`, or `/bytes/<n>` when it is `nil`.
    public var resolvedPath: String { path ?? "/bytes/\(size.bytes)" }
}
