/// `grpc.testing.StreamingOutputCallResponse`: one response message of `StreamingOutputCall`.
///
/// Fields: `payload = 1` (``Payload``); unknown fields are skipped when decoding.
/// The codec is ``PayloadResponse``'s.
public struct StreamingOutputCallResponse: PayloadResponse {
    /// The response payload; `nil` when the field is absent.
    public var payload: Payload?

    /// An empty response.
    public init() {}
}
