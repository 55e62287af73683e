import CNghttp2

extension FrameEvent {
    /// Builds the event for an nghttp2 frame (no allocation).
    @inline(__always)
    init(_ direction: Direction, _ frame: UnsafePointer<nghttp2_frame>) {
        let header = frame.pointee.hd
        var errorCode = HTTP2ErrorCode.noError
        var lastStreamID: Int32 = 0
        var increment: Int32 = 0
        switch header.type {
        case FrameEvent.Kind.rstStream:
            errorCode = HTTP2ErrorCode(rawValue: frame.pointee.rst_stream.error_code)
        case FrameEvent.Kind.goaway:
            errorCode = HTTP2ErrorCode(rawValue: frame.pointee.goaway.error_code)
            lastStreamID = frame.pointee.goaway.last_stream_id
        case FrameEvent.Kind.windowUpdate:
            increment = frame.pointee.window_update.window_size_increment
        default:
            break
        }
        self.init(direction: direction, type: header.type, streamID: header.stream_id, flags: header.flags,
                  length: header.length, errorCode: errorCode, lastStreamID: lastStreamID,
                  windowIncrement: increment)
    }
}
