import CNghttp2

// File-private trampolines: each recovers the ServerSession (from `user_data`) or the
// ServerStream (from the data source) and delegates. No logic and no Swift error
// crosses the C frame.

extension ServerSession {
    /// Registers the trampolines on a callbacks object.
    static func installCallbacks(_ callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, serverOnBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, serverOnHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, serverOnFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, serverOnDataChunkRecv)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, serverOnFrameSend)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, serverOnStreamClose)
        nghttp2_session_callbacks_set_send_data_callback(callbacks, serverSendData)
        nghttp2_session_callbacks_set_data_source_read_length_callback(callbacks, serverReadLength)
    }
}

@inline(__always)
private func withOwner<R>(_ userData: UnsafeMutableRawPointer?, _ body: (ServerSession) -> R) -> R {
    // `_withUnsafeGuaranteedRef`: the session is alive for the whole nghttp2 call that invokes
    // this callback, so no retain/release pair per callback (`takeUnretainedValue()` paid one:
    // a few % of the driver's CPU on 100-byte streams, by `perf`).
    Unmanaged<ServerSession>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
}

@inline(__always)
private func stream(_ source: UnsafeMutablePointer<nghttp2_data_source>?) -> ServerStream {
    Unmanaged<ServerStream>.fromOpaque(source!.pointee.ptr!).takeUnretainedValue()
}

private func serverOnBeginHeaders(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                                  _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleBeginHeaders(frame!) }
    return 0
}

private func serverOnHeader(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                            _ name: UnsafePointer<UInt8>?, _ nameLength: Int,
                            _ value: UnsafePointer<UInt8>?, _ valueLength: Int,
                            _ flags: UInt8, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleHeader(frame!, name: UnsafeBufferPointer(start: name, count: nameLength),
                                 value: UnsafeBufferPointer(start: value, count: valueLength)) }
    return 0
}

private func serverOnFrameRecv(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                               _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleFrameReceived(frame!) }
    return 0
}

private func serverOnDataChunkRecv(_ session: OpaquePointer?, _ flags: UInt8, _ streamID: Int32,
                                   _ data: UnsafePointer<UInt8>?, _ length: Int,
                                   _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.delegate.requestData(stream: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length)) }
    return 0
}

private func serverOnFrameSend(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                               _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleFrameSent(frame!) }
    return 0
}

private func serverOnStreamClose(_ session: OpaquePointer?, _ streamID: Int32, _ errorCode: UInt32,
                                 _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleStreamClosed(streamID, errorCode: HTTP2ErrorCode(rawValue: errorCode)) }
    return 0
}

/// Data provider read callback for response bodies (`source.ptr` is the ServerStream).
func serverReadData(_ session: OpaquePointer?, _ streamID: Int32, _ buffer: UnsafeMutablePointer<UInt8>?,
                    _ length: Int, _ flags: UnsafeMutablePointer<UInt32>?,
                    _ source: UnsafeMutablePointer<nghttp2_data_source>?,
                    _ userData: UnsafeMutableRawPointer?) -> Int {
    withOwner(userData) { $0.readData(stream(source), maxLength: length, flags: flags!) }
}

private func serverSendData(_ session: OpaquePointer?, _ frame: UnsafeMutablePointer<nghttp2_frame>?,
                            _ frameHeader: UnsafePointer<UInt8>?, _ length: Int,
                            _ source: UnsafeMutablePointer<nghttp2_data_source>?,
                            _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.writeData(stream(source), frameHeader: frameHeader!, length: length,
                              padding: frame!.pointee.data.padlen) }
}

private func serverReadLength(_ session: OpaquePointer?, _ frameType: UInt8, _ streamID: Int32,
                              _ sessionRemoteWindow: Int32, _ streamRemoteWindow: Int32,
                              _ remoteMaxFrameSize: UInt32, _ userData: UnsafeMutableRawPointer?) -> Int {
    withOwner(userData) { $0.maxDataLength(stream: streamID, remoteMaxFrameSize: remoteMaxFrameSize) }
}
