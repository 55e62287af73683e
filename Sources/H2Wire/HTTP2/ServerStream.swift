/// Per-stream server state: the outbound body queue and how the response ends.
///
/// Pooled by ``ServerSession`` so the queue's storage is allocated once and reused by
/// later streams. The data provider of the stream's response points at this object.
///
/// *Threading*: owned by one ``ServerSession``; its thread only.
/// *Invariants*: while the stream is open the session's `streams` table retains it; it is
/// reset before it returns to the pool.
final class ServerStream {
    /// The stream id, or 0 while pooled.
    var id: Int32 = 0
    /// Body bytes queued and not yet written into a DATA frame.
    var queue = OutputBuffer(capacity: 4_096)
    /// HEADERS with a data provider were submitted.
    var responseStarted = false
    /// `finishResponse` was called: no more bytes will be queued.
    var finished = false
    /// Trailers to send after the last DATA frame (empty: END_STREAM on DATA).
    var trailers: [HeaderField] = []
    /// The data provider returned `NGHTTP2_ERR_DEFERRED` and needs `nghttp2_session_resume_data`.
    var deferred = false

    /// Clears the state for reuse, keeping the queue's storage.
    func reset() {
        id = 0
        queue.clear()
        responseStarted = false
        finished = false
        trailers = []
        deferred = false
    }
}
