import CNghttp2

// File-private trampolines: each recovers the ClientSession from `user_data` and
// delegates. No logic and no Swift error crosses the C frame; all return 0.

extension ClientSession {
    /// Registers the trampolines on a callbacks object.
    static func installCallbacks(_ callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, clientOnBeginFrame)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, clientOnFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, clientOnDataChunkRecv)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, clientOnHeader)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, clientOnFrameSend)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, clientOnStreamClose)
        nghttp2_session_callbacks_set_error_callback2(callbacks, clientOnError)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks, clientOnInvalidFrame)
    }
}

@inline(__always)
private func withOwner<R>(_ userData: UnsafeMutableRawPointer?, _ body: (ClientSession) -> R) -> R {
    // `_withUnsafeGuaranteedRef`: the session is alive for the whole nghttp2 call that invokes
    // this callback, so no retain/release pair per callback (`takeUnretainedValue()` paid one:
    // a few % of the driver's CPU on 100-byte streams, by `perf`).
    Unmanaged<ClientSession>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
}

private func clientOnBeginFrame(_ session: OpaquePointer?, _ header: UnsafePointer<nghttp2_frame_hd>?,
                                _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleFrameBegun(header!.pointee) }
    return 0
}

private func clientOnFrameRecv(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                               _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleFrameReceived(frame!) }
    return 0
}

private func clientOnDataChunkRecv(_ session: OpaquePointer?, _ flags: UInt8, _ streamID: Int32,
                                   _ data: UnsafePointer<UInt8>?, _ length: Int,
                                   _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.delegate.responseData(stream: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length), endStream: false) }
    return 0
}

private func clientOnHeader(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                            _ name: UnsafePointer<UInt8>?, _ nameLength: Int,
                            _ value: UnsafePointer<UInt8>?, _ valueLength: Int,
                            _ flags: UInt8, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { session in
        // Fields the delegate does not read end here, before any buffer or delegate call.
        guard session.deliversHeader(nameLength: nameLength) else { return }
        session.handleHeader(frame!, name: UnsafeRawBufferPointer(start: name, count: nameLength),
                             value: UnsafeRawBufferPointer(start: value, count: valueLength))
    }
    return 0
}

private func clientOnFrameSend(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?,
                               _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleFrameSent(frame!) }
    return 0
}

private func clientOnStreamClose(_ session: OpaquePointer?, _ streamID: Int32, _ errorCode: UInt32,
                                 _ userData: UnsafeMutableRawPointer?) -> Int32 {
    withOwner(userData) { $0.handleStreamClosed(streamID, errorCode: HTTP2ErrorCode(rawValue: errorCode)) }
    return 0
}

private func clientOnError(_ session: OpaquePointer?, _ libraryCode: Int32, _ message: UnsafePointer<CChar>?,
                           _ length: Int, _ userData: UnsafeMutableRawPointer?) -> Int32 {
    guard let message else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: message, count: length), as: UTF8.self)
    withOwner(userData) { $0.delegate.sessionError(text) }
    return 0
}

private func clientOnInvalidFrame(_ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ libraryCode: Int32,
                                  _ userData: UnsafeMutableRawPointer?) -> Int32 {
    let type = frame.map { HTTP2Names.frameType($0.pointee.hd.type) } ?? "frame"
    withOwner(userData) { owner in
        owner.inboundFrameOpen = false
        owner.delegate.sessionError("\(type): \(String(cString: nghttp2_strerror(libraryCode)))")
    }
    return 0
}

/// Data provider read callback for request bodies.
func clientReadBody(_ session: OpaquePointer?, _ streamID: Int32, _ buffer: UnsafeMutablePointer<UInt8>?,
                    _ length: Int, _ flags: UnsafeMutablePointer<UInt32>?,
                    _ source: UnsafeMutablePointer<nghttp2_data_source>?,
                    _ userData: UnsafeMutableRawPointer?) -> Int {
    withOwner(userData) { $0.readBody(tag: source?.pointee.ptr, into: buffer!, capacity: length, flags: flags!) }
}
