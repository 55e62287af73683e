/// Which side's timer ended a stream whose outcome is ``StreamOutcome/deadline``: both run by
/// design (the client's `client.deadline`, the server's copy of it from `grpc-timeout`), and
/// the outcome must not depend on which fired first.
public enum DeadlineSource: String, Sendable, Codable, Equatable {
    /// The driver's own timer: it sent RST_STREAM(CANCEL).
    case client
    /// The server: `grpc-status: 4` (DEADLINE_EXCEEDED), or RST_STREAM(CANCEL) after the deadline.
    case server
}
