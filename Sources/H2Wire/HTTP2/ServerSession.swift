import CNghttp2

/// An HTTP/2 server connection as a state machine over nghttp2: bytes in
/// (``receive(_:)``), request events out (``ServerSessionDelegate``), responses queued
/// per stream and serialised by ``drainOutput(into:)``. No sockets, no threads.
///
/// Response bodies are queued per stream (``enqueueData(stream:count:_:)``) and written
/// straight from the queue into the output buffer when nghttp2 emits the DATA frame
/// (`NGHTTP2_DATA_FLAG_NO_COPY` and a `send_data_callback`): one copy from queue to output.
/// DATA frames are as large as the peer's `SETTINGS_MAX_FRAME_SIZE` and the flow-control
/// windows allow.
///
/// *Threading*: not `Sendable`; created, used and released on one thread.
/// The delegate is not retained and must outlive the session.
/// *Invariants*: `session` is valid from a successful `init` until `deinit`; `streams`
/// holds exactly the streams opened by the peer and not yet closed.
public final class ServerSession {
    /// The nghttp2 session (`nghttp2_session *`); deleted in `deinit`.
    private var session: OpaquePointer?
    /// Owner of this session (typically the connection); not retained to avoid a cycle.
    /// `unowned(unsafe)`: the owner outlives the session (it owns it), and a checked `unowned`
    /// costs a strong retain and release on every nghttp2 callback (≈ 4 % of the driver's CPU
    /// on 100-byte streams, by `perf`).
    unowned(unsafe) let delegate: any ServerSessionDelegate
    /// Open streams by id.
    private var streams: [Int32: ServerStream] = [:]
    /// Released stream objects kept for reuse (bounded by `poolLimit`).
    private var pool: [ServerStream] = []
    private let poolLimit = 256
    /// Request header block being received (reused).
    private var requestHeaderScratch: [HeaderField] = []
    /// Scratch for response header and trailer blocks.
    private let headerBlock = HeaderBlockBuilder()
    /// Where `drainOutput` is appending; set only while it runs.
    private var output: UnsafeMutablePointer<OutputBuffer>?

    /// Creates a server session and queues its SETTINGS (and the connection WINDOW_UPDATE
    /// when ``HTTP2Settings/connectionWindowSize`` > 65,535). The client preface is
    /// expected as the first bytes passed to ``receive(_:)``.
    /// - Parameter autoWindowUpdate: when `false`, receive-window credit is returned only
    ///   through ``consume(stream:bytes:)`` and ``consumeConnection(bytes:)``
    ///   (`nghttp2_option_set_no_auto_window_update`); the embedded target uses it to withhold
    ///   a stream's WINDOW_UPDATE on purpose.
    public init(settings: HTTP2Settings, delegate: any ServerSessionDelegate, autoWindowUpdate: Bool = true) throws(HTTP2Error) {
        self.delegate = delegate
        requestHeaderScratch.reserveCapacity(16)
        var callbacks: OpaquePointer?
        let rv = nghttp2_session_callbacks_new(&callbacks)
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_session_callbacks_new") }
        defer { nghttp2_session_callbacks_del(callbacks) }
        ServerSession.installCallbacks(callbacks)

        var option: OpaquePointer?
        let optionCreated = nghttp2_option_new(&option)
        if optionCreated != 0 { throw HTTP2Error(libraryCode: optionCreated, operation: "nghttp2_option_new") }
        defer { nghttp2_option_del(option) }
        if !autoWindowUpdate { nghttp2_option_set_no_auto_window_update(option, 1) }
        let created = nghttp2_session_server_new2(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), option)
        if created != 0 { throw HTTP2Error(libraryCode: created, operation: "nghttp2_session_server_new") }
        try settings.submit(to: session!, disablePush: false)
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: - Responses

    /// Starts the response of `stream` with HEADERS (`:status` then `headers`, lowercase
    /// names). Unless `endStream`, a data provider then reads the stream's outbound queue
    /// until ``finishResponse(stream:trailers:)``; with `endStream` the HEADERS frame
    /// ends the stream (e.g. a gRPC trailers-only response).
    public func sendResponseHeaders(stream: Int32, status: Int, headers: [HeaderField], endStream: Bool = false) throws(HTTP2Error) {
        guard let state = streams[stream] else {
            throw HTTP2Error(code: NGHTTP2_ERR_STREAM_CLOSED.rawValue, message: "sendResponseHeaders: stream \(stream) is not open")
        }
        let block = headerBlock
        block.begin(fieldCount: 1 + headers.count, dynamicBytes: HeaderBlockBuilder.dynamicByteCount(headers))
        block.add(name: ":status", decimal: status)
        block.add(headers)
        let rv: Int32
        if endStream {
            state.finished = true
            rv = nghttp2_submit_response(session, stream, block.pointer, block.count, nil)
        } else {
            var provider = nghttp2_data_provider(
                source: nghttp2_data_source(ptr: Unmanaged.passUnretained(state).toOpaque()),
                read_callback: serverReadData)
            rv = nghttp2_submit_response(session, stream, block.pointer, block.count, &provider)
        }
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_submit_response") }
        state.responseStarted = true
    }

    /// Appends `count` body bytes to the outbound queue of `stream` and resumes its data
    /// provider. `write` fills exactly `count` bytes in place (no intermediate copy).
    /// Ignored (and `write` not called) when the stream is not open or already finished.
    public func enqueueData(stream: Int32, count: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) {
        guard count > 0, let state = streams[stream], !state.finished else { return }
        state.queue.append(count: count, write)
        resumeIfDeferred(state)
    }

    /// Ends the response of `stream` after the queued data: trailers (HEADERS with
    /// END_STREAM) when `trailers` is non-empty, else END_STREAM on the last DATA frame.
    /// Ignored when the stream is not open or already finished.
    public func finishResponse(stream: Int32, trailers: [HeaderField]) {
        guard let state = streams[stream], !state.finished else { return }
        state.finished = true
        state.trailers = trailers
        resumeIfDeferred(state)
    }

    /// Queues RST_STREAM for `stream` with `errorCode`.
    public func resetStream(_ stream: Int32, errorCode: HTTP2ErrorCode) {
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode.rawValue)
    }

    /// Queues GOAWAY; streams up to `lastStreamID` may complete. nghttp2 lowers
    /// `lastStreamID` to the last stream it accepted; pass ``lastProcessedStreamID`` for "all so far".
    public func sendGoaway(lastStreamID: Int32, errorCode: HTTP2ErrorCode) {
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastStreamID, errorCode.rawValue, nil, 0)
    }

    /// Returns `bytes` of receive-window credit on `stream` and on the connection
    /// (`nghttp2_session_consume`); only meaningful with `autoWindowUpdate == false`.
    public func consume(stream: Int32, bytes: Int) {
        guard bytes > 0 else { return }
        _ = nghttp2_session_consume(session, stream, bytes)
    }

    /// Returns `bytes` of receive-window credit on the connection only
    /// (`nghttp2_session_consume_connection`); the stream's window stays consumed.
    public func consumeConnection(bytes: Int) {
        guard bytes > 0 else { return }
        _ = nghttp2_session_consume_connection(session, bytes)
    }

    /// The highest stream id the session has processed (`nghttp2_session_get_last_proc_stream_id`).
    public var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }

    /// Bytes queued on `stream` and not yet written into a DATA frame; 0 for unknown streams.
    public func queuedBytes(stream: Int32) -> Int {
        streams[stream]?.queue.readableBytes ?? 0
    }

    /// Bytes this side may still send on `stream` before the peer's WINDOW_UPDATE
    /// (`nghttp2_session_get_stream_remote_window_size`); 0 for unknown streams.
    public func streamRemoteWindow(_ stream: Int32) -> Int {
        Int(max(0, nghttp2_session_get_stream_remote_window_size(session, stream)))
    }

    /// Bytes this side may still send on the connection (`nghttp2_session_get_remote_window_size`).
    public var connectionRemoteWindow: Int {
        Int(max(0, nghttp2_session_get_remote_window_size(session)))
    }

    /// Streams opened by the peer and not yet closed.
    public var streamCount: Int { streams.count }

    // MARK: - I/O

    /// Feeds bytes read from the socket (`nghttp2_session_mem_recv`, whole buffer).
    /// Delegate events fire during the call. Throws when the peer broke the protocol
    /// beyond recovery (a bad preface included); the connection should then be closed.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let rv = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rv < 0 { throw HTTP2Error(libraryCode: Int32(truncatingIfNeeded: rv), operation: "nghttp2_session_mem_recv") }
    }

    /// Appends all pending output to `out` (`nghttp2_session_mem_send` until it returns 0;
    /// DATA payloads are written straight from the stream queues) and returns the number
    /// of bytes appended.
    public func drainOutput(into out: inout OutputBuffer) throws(HTTP2Error) -> Int {
        let before = out.readableBytes
        let failure: Int = withUnsafeMutablePointer(to: &out) { pointer in
            output = pointer
            defer { output = nil }
            var chunk: UnsafePointer<UInt8>?
            while true {
                let n = nghttp2_session_mem_send(session, &chunk)
                if n < 0 { return n }
                if n == 0 { return 0 }
                pointer.pointee.append(UnsafeRawBufferPointer(start: chunk, count: n))
            }
        }
        if failure < 0 { throw HTTP2Error(libraryCode: Int32(truncatingIfNeeded: failure), operation: "nghttp2_session_mem_send") }
        return out.readableBytes - before
    }

    /// True while the session expects more input (`nghttp2_session_want_read`).
    public var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    /// True while the session has output to send (`nghttp2_session_want_write`).
    public var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    // MARK: - Private

    private func resumeIfDeferred(_ state: ServerStream) {
        guard state.deferred else { return }
        state.deferred = false
        _ = nghttp2_session_resume_data(session, state.id)
    }

    // MARK: - Callback handlers (called by the trampolines in ServerSession+Callbacks.swift)

    func handleBeginHeaders(_ frame: UnsafePointer<nghttp2_frame>) {
        guard frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return }
        let state = pool.popLast() ?? ServerStream()
        state.id = frame.pointee.hd.stream_id
        streams[state.id] = state
        requestHeaderScratch.removeAll(keepingCapacity: true)
    }

    func handleHeader(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        guard frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST else { return }  // request trailers are not reported
        requestHeaderScratch.append(HeaderField(name: String(decoding: name, as: UTF8.self),
                                                value: String(decoding: value, as: UTF8.self)))
    }

    func handleFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        let event = FrameEvent(.received, frame)
        delegate.frame(event)
        let endStream = event.flags & FrameEvent.Flag.endStream != 0
        switch event.type {
        case FrameEvent.Kind.headers:
            if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
                delegate.requestHeaders(stream: event.streamID, headers: requestHeaderScratch)
                requestHeaderScratch.removeAll(keepingCapacity: true)
            }
            if endStream { delegate.requestEnded(stream: event.streamID) }
        case FrameEvent.Kind.data:
            if endStream { delegate.requestEnded(stream: event.streamID) }
        default:
            break
        }
    }

    func handleFrameSent(_ frame: UnsafePointer<nghttp2_frame>) {
        delegate.frame(FrameEvent(.sent, frame))
    }

    func handleStreamClosed(_ stream: Int32, errorCode: HTTP2ErrorCode) {
        if let state = streams.removeValue(forKey: stream) {
            state.reset()
            if pool.count < poolLimit { pool.append(state) }
        }
        delegate.streamClosed(stream: stream, errorCode: errorCode)
    }

    /// Data provider read: reports how many queued bytes the next DATA frame carries
    /// (copied later by `writeData`), defers when the queue is empty, ends at EOF.
    func readData(_ state: ServerStream, maxLength: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        let available = state.queue.readableBytes
        if available == 0 && !state.finished {
            state.deferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        let count = min(available, maxLength)
        if count > 0 { flags.pointee |= NGHTTP2_DATA_FLAG_NO_COPY.rawValue }
        if count == available && state.finished {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            if !state.trailers.isEmpty {
                flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
                submitTrailers(state)
            }
        }
        return count
    }

    private func submitTrailers(_ state: ServerStream) {
        let block = headerBlock
        block.begin(fieldCount: state.trailers.count, dynamicBytes: HeaderBlockBuilder.dynamicByteCount(state.trailers))
        block.add(state.trailers)
        let rv = nghttp2_submit_trailer(session, state.id, block.pointer, block.count)
        if rv != 0 {
            // Cannot end the stream cleanly any more: reset it rather than leave it hanging.
            _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), state.id,
                                          NGHTTP2_INTERNAL_ERROR.rawValue)
        }
    }

    /// `send_data_callback`: writes the 9-byte frame header and `length` queued bytes
    /// straight into the output buffer. Returns 0 or an nghttp2 error.
    func writeData(_ state: ServerStream, frameHeader: UnsafePointer<UInt8>, length: Int, padding: Int) -> Int32 {
        guard let output else { return NGHTTP2_ERR_WOULDBLOCK.rawValue }
        precondition(padding == 0 && length <= state.queue.readableBytes,
                     "BUG DETECTED: DATA frame of \(length) bytes (padding \(padding)) with \(state.queue.readableBytes) queued")
        output.pointee.append(UnsafeRawBufferPointer(start: frameHeader, count: 9))
        state.queue.withReadableBytes { queued in
            output.pointee.append(UnsafeRawBufferPointer(rebasing: queued.prefix(length)))
        }
        state.queue.consume(length)
        return 0
    }

    /// `data_source_read_length_callback`: the largest DATA payload to ask for. nghttp2
    /// clamps it to the flow-control windows; the queue length keeps the frame buffer small
    /// for small responses.
    func maxDataLength(stream: Int32, remoteMaxFrameSize: UInt32) -> Int {
        let queued = streams[stream]?.queue.readableBytes ?? 0
        return max(1, min(Int(remoteMaxFrameSize), max(queued, 16_384)))
    }
}
