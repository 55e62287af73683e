/// A gRPC server-streaming call (`grpc.testing.TestService/StreamingOutputCall`): the server
/// sends `messages` messages of `size` bytes, `interval` apart, with `bursts` overriding the
/// size of individual messages.
///
/// Invariants (checked at load): `messages ≥ 1`; every burst has `at < messages`, and no two
/// bursts share an index.
public struct ServerStreamSpec: Sendable, Hashable, Codable {
    /// Number of response messages.
    public var messages: Int
    /// Payload size of each message that is not a burst.
    public var size: ByteCount
    /// Time between consecutive messages (0: as fast as flow control allows).
    public var interval: TimeSpan
    /// Messages with a different size, in the order written.
    public var bursts: [Burst]

    /// A server stream spec.
    public init(messages: Int, size: ByteCount, interval: TimeSpan = .zero, bursts: [Burst] = []) {
        self.messages = messages
        self.size = size
        self.interval = interval
        self.bursts = bursts
    }

    /// Payload size in bytes of message `index` (0-based): the burst's size if one is at that
    /// index, else `size`. Allocation-free (a linear scan of `bursts`).
    public func messageSize(_ index: Int) -> Int {
        for burst in bursts where burst.at == index { return burst.size.bytes }
        return size.bytes
    }

    /// Sum of all message payload sizes (without the 5-byte gRPC message prefixes).
    public var totalPayloadBytes: Int {
        var total = messages * size.bytes
        for burst in bursts where burst.at < messages { total += burst.size.bytes - size.bytes }
        return total
    }
}
