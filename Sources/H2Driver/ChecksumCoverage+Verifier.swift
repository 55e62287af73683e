import H2Results

extension ChecksumCoverage {
    /// Adds one stream's counts.
    mutating func add(_ verifier: StreamVerifier) {
        messagesStampChecked += verifier.messagesStampChecked
        messagesSummed += verifier.messagesSummed
        bytesSummed += verifier.bytesSummed
    }
}
