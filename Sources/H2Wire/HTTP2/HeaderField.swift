/// One header field as text; names are lowercase (HTTP/2 requires it). Also what profiles
/// hold for `http.request.headers` and `grpc.call.metadata` (Codable for `run.json`).
public struct HeaderField: Sendable, Hashable, Codable {
    /// The field name, lowercase, e.g. `content-type` or `:path`.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
