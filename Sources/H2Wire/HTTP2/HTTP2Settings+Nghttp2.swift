import CNghttp2

extension HTTP2Settings {
    /// Queues this endpoint's SETTINGS frame and, when the connection window is above the
    /// default, the WINDOW_UPDATE on stream 0 that raises it.
    func submit(to session: OpaquePointer, disablePush: Bool) throws(HTTP2Error) {
        var entries = [nghttp2_settings_entry]()
        entries.reserveCapacity(6)
        func entry(_ id: nghttp2_settings_id, _ value: Int) {
            entries.append(nghttp2_settings_entry(settings_id: Int32(id.rawValue), value: UInt32(clamping: value)))
        }
        entry(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, initialWindowSize)
        entry(NGHTTP2_SETTINGS_MAX_FRAME_SIZE, maxFrameSize)
        entry(NGHTTP2_SETTINGS_HEADER_TABLE_SIZE, headerTableSize)
        if let maxConcurrentStreams { entry(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, maxConcurrentStreams) }
        if disablePush { entry(NGHTTP2_SETTINGS_ENABLE_PUSH, 0) }
        let rv = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count)
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_submit_settings") }
        if connectionWindowSize > 65_535 {
            let rv = nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: connectionWindowSize))
            if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_session_set_local_window_size") }
        }
    }
}
