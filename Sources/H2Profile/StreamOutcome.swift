/// The single outcome a stream's verifier assigns when the stream ends (design.md, "Stream plans and truncation").
///
/// Raw values are the JSON keys used in `run.json` (`streams.<outcome>`).
public enum StreamOutcome: String, Sendable, Codable, CaseIterable {
    /// Everything expected arrived and the stream ended cleanly (gRPC: `grpc-status: 0`).
    case complete
    /// The stream ended as if successful but data is missing (silent data loss).
    case truncated
    /// RST_STREAM from the peer.
    case reset
    /// GOAWAY arrived and this stream was above last-stream-id or unfinished.
    case goaway
    /// The TCP connection closed or reset under the open stream.
    case connectionLost
    /// The client's own deadline fired first.
    case deadline
    /// A non-OK gRPC status or a non-2xx `:status`.
    case statusError
    /// Wrong size, sequence gap, duplicate or checksum mismatch in a message.
    case integrity
}
