/// Whose timer ended the cell's `deadline` streams (`cells[i].deadlines`): the driver's own
/// (`client.deadline`) or the server's copy of it (`grpc-timeout`, seen as `grpc-status: 4` or
/// RST_STREAM(CANCEL) after the deadline). Both run by design; the outcome is `deadline` either way.
public struct DeadlineSources: Sendable, Codable, Equatable {
    /// Streams the driver's timer ended (it sent RST_STREAM(CANCEL)).
    public var client: Int
    /// Streams the server ended at its deadline.
    public var server: Int

    /// The split; `client + server` is the cell's `streams.deadline`.
    public init(client: Int, server: Int) {
        self.client = client
        self.server = server
    }
}
