/// One open stream on a driver connection: its plan's verifier and its timings.
///
/// Threading: lives in its connection's stream table on the worker thread.
struct ActiveStream {
    /// HTTP/2 stream id.
    let id: Int32
    /// Checks what arrives against the plan.
    var verifier: StreamVerifier
    /// Monotonic ns when the request was submitted.
    let startTime: UInt64
    /// Whether the stream started inside the measured window (after warm-up).
    let measured: Bool
    /// Monotonic ns when the response headers completed (0 until then).
    var headersTime: UInt64 = 0
    /// Monotonic ns of the last complete message (0 until the first).
    var lastMessageTime: UInt64 = 0
    /// An RST_STREAM frame arrived from the peer for this stream.
    var resetByPeer = false
}
