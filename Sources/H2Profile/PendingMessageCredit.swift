/// Under `WindowUpdatePolicy.onConsume`, what the driver does when the consumer asks for a
/// message that has only partly arrived.
///
/// This decides the case of a message larger than the stream window: with `.withhold` such a
/// message can never complete (the sender blocks with the window at zero until something
/// else, typically `client.deadline`, ends the stream); with `.grant` it completes after one
/// extra round trip. In YAML: `client.pendingMessageCredit: grant | withhold`, valid only with
/// `windowUpdate: on-consume`.
public enum PendingMessageCredit: String, Sendable, Hashable, Codable {
    /// When the consumer asks for the next message and it is only partly received, the bytes
    /// received so far are credited at once so the rest can arrive (grpc-go's behaviour:
    /// its client grants the whole pending message once the application calls `Recv()`).
    /// The default.
    case grant
    /// Credit is returned only for whole messages the consumer has taken; a partly received
    /// message earns nothing.
    case withhold
}
