import H2Results

extension ChecksumCoverage {
    /// Adds one stream's counts. `inout` so that a verifier stored in its ``ActiveStream`` is
    /// read in place: passed by value it was copied whole (a few hundred bytes) per stream.
    mutating func add(_ verifier: inout StreamVerifier) {
        messagesStampChecked += verifier.messagesStampChecked
        messagesSummed += verifier.messagesSummed
        bytesSummed += verifier.bytesSummed
    }
}
