/// Receives the events of a ``ClientSession``, synchronously, on the session's thread,
/// from inside ``ClientSession/receive(_:)`` or ``ClientSession/drainOutput(into:)``.
///
/// Buffers passed in are valid only during the call. The delegate may call back into the
/// session (submit, reset, consume) but must not call `receive` or `drainOutput` from here.
public protocol ClientSessionDelegate: AnyObject {
    /// One response header (or trailer) field; `name` is lowercase.
    func responseHeader(stream: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, isTrailer: Bool)
    /// A complete header block (response headers or trailers) arrived; `endStream` is its END_STREAM flag.
    func responseHeadersComplete(stream: Int32, isTrailer: Bool, endStream: Bool)
    /// DATA payload bytes arrived. `endStream` is always `false`: nghttp2 reports the
    /// END_STREAM flag only once the frame is complete, see ``streamEnded(stream:)``.
    func responseData(stream: Int32, bytes: UnsafeRawBufferPointer, endStream: Bool)
    /// The peer sent END_STREAM (on DATA or on trailers); called before ``streamClosed(stream:errorCode:)``.
    func streamEnded(stream: Int32)
    /// The stream closed (nghttp2 `on_stream_close`); `errorCode` ``HTTP2ErrorCode/noError`` is a clean close. A request
    /// that could never be sent (e.g. submitted after GOAWAY) is reported here too: nghttp2
    /// closes it with REFUSED_STREAM (7).
    func streamClosed(stream: Int32, errorCode: HTTP2ErrorCode)
    /// The peer sent RST_STREAM with `errorCode`; ``streamClosed(stream:errorCode:)`` follows.
    func resetReceived(stream: Int32, errorCode: HTTP2ErrorCode)
    /// The peer sent GOAWAY. Streams above `lastStreamID` are then closed with REFUSED_STREAM.
    func goawayReceived(lastStreamID: Int32, errorCode: HTTP2ErrorCode, debug: UnsafeRawBufferPointer)
    /// Every frame sent or received, once complete.
    func frame(_ event: FrameEvent)
    /// nghttp2 found the peer breaking HTTP/2 (or another library error) and says why, e.g.
    /// "WINDOW_UPDATE: window size overflow"; the stream reset or GOAWAY it answers with
    /// follows. The text is nghttp2's own and may change between its versions.
    func sessionError(_ message: String)
}

extension ClientSessionDelegate {
    /// Default: the message is not kept.
    public func sessionError(_ message: String) {}
}
