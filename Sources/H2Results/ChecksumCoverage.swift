/// How much of the stamped traffic one cell checked, and how deeply (`cells[i].checksum`).
///
/// Every stamped message has its stamp checked (stream id, index, body length); the share
/// ``StreamPlan/checksum`` picks also has its whole body summed. The counts cover the measured
/// streams, finished or not, so they say exactly what a clean `integrity` count vouches for.
public struct ChecksumCoverage: Sendable, Codable, Equatable {
    /// The sampling the cell's clean streams used: `all`, `none` or `1/N` (faulted streams sum all).
    public var sampling: String
    /// Stamped messages whose stamp was checked.
    public var messagesStampChecked = 0
    /// Messages whose whole body was summed and compared with the stamp's checksum.
    public var messagesSummed = 0
    /// Body bytes summed for those messages.
    public var bytesSummed = 0

    /// No messages yet, sampling `sampling`.
    public init(sampling: String) { self.sampling = sampling }

    /// Adds another worker's counts (the sampling is the same for a whole cell).
    mutating func merge(_ other: ChecksumCoverage) {
        if messagesStampChecked == 0 && messagesSummed == 0 { sampling = other.sampling }
        messagesStampChecked += other.messagesStampChecked
        messagesSummed += other.messagesSummed
        bytesSummed += other.bytesSummed
    }

    /// Share of stamp-checked messages that were summed, 0…1 (0 when none were checked).
    public var summedShare: Double {
        messagesStampChecked == 0 ? 0 : Double(messagesSummed) / Double(messagesStampChecked)
    }
}
