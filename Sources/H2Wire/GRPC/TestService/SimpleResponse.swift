/// `grpc.testing.SimpleResponse`: the response of `UnaryCall`.
///
/// Fields: `payload = 1` (``Payload``); `username = 2`, `oauth_scope = 3`, `server_id = 4`,
/// `grpclb_route_type = 5`, `hostname = 6` and unknown fields are skipped when decoding.
/// The codec is ``PayloadResponse``'s.
public struct SimpleResponse: PayloadResponse {
    /// The response payload; `nil` when the field is absent.
    public var payload: Payload?

    /// An empty response.
    public init() {}
}
