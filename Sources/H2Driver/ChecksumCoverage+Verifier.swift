import H2Results

extension ChecksumCoverage {
    /// Adds one stream's counts. `inout` so that a verifier stored in its ``ActiveStream`` is
    /// read in place: passed by value it was copied whole (a few hundred bytes) per stream.
    mutating func add(_ verifier: inout StreamVerifier) {
        // No gRPC message, nothing checked or summed (every plain-HTTP stream): skip the reads
        // of the plan and the reader, which are on other cache lines.
        guard verifier.messagesReceived > 0 else { return }
        messagesStampChecked += verifier.messagesStampChecked
        messagesSummed += verifier.messagesSummed
        bytesSummed += verifier.bytesSummed
    }
}
