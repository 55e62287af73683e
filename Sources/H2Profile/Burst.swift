/// One oversized message inside a server stream: message number `at` (0-based) has `size`
/// instead of the stream's usual size.
public struct Burst: Sendable, Hashable, Codable {
    /// Index (0-based) of the message whose size is overridden; always `< messages`.
    public var at: Int
    /// The size of that message's payload.
    public var size: ByteCount

    /// A burst at message `at` of `size` bytes.
    public init(at: Int, size: ByteCount) {
        self.at = at
        self.size = size
    }
}
