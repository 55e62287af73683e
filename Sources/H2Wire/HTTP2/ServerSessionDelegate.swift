/// Receives the events of a ``ServerSession``, synchronously, on the session's thread,
/// from inside ``ServerSession/receive(_:)`` or ``ServerSession/drainOutput(into:)``.
///
/// Buffers passed in are valid only during the call. The delegate may respond from here
/// (``ServerSession/sendResponseHeaders(stream:status:headers:endStream:)``,
/// ``ServerSession/enqueueData(stream:count:_:)``, …) but must not call `receive` or `drainOutput`.
public protocol ServerSessionDelegate: AnyObject {
    /// The full request header block of a new stream (pseudo-headers included, in wire order).
    func requestHeaders(stream: Int32, headers: [HeaderField])
    /// Request DATA payload bytes.
    func requestData(stream: Int32, bytes: UnsafeRawBufferPointer)
    /// The client sent END_STREAM.
    func requestEnded(stream: Int32)
    /// The stream closed (nghttp2 `on_stream_close`); `errorCode` ``HTTP2ErrorCode/noError`` is a clean close.
    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode)
    /// Every frame sent or received, once complete.
    func frame(_ event: FrameEvent)
}
