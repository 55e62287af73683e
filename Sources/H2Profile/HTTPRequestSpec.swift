import H2Wire

/// Any HTTP/2 request (`http.request`): a method, a path, headers, an optional body, and what
/// the response must be.
///
/// Without `expect.size` a response is checked by status and END_STREAM, plus its
/// `content-length` when it sends one (nghttp2 holds the body to it); a complete stream whose
/// size nothing fixed is counted as *size not verified* (``StreamVerdict`` and the report).
public struct HTTPRequestSpec: Sendable, Hashable, Codable {
    /// `GET`, `POST`, `PUT`, … (upper case).
    public var method: String
    /// The `:path`, starting with `/`.
    public var path: String
    /// Extra request headers, names lowercase, in the order written.
    public var headers: [HeaderField]
    /// The request body, if any (a `content-length` is sent with it unless `headers` has one).
    public var body: RequestBody?
    /// Accepted `:status` values (default `2xx`).
    public var expectStatus: StatusSet
    /// The exact response body size; `nil` for any.
    public var expectSize: ByteCount?

    /// A request spec.
    public init(method: String = "GET", path: String, headers: [HeaderField] = [], body: RequestBody? = nil,
                expectStatus: StatusSet = .success, expectSize: ByteCount? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
        self.expectSize = expectSize
    }
}

