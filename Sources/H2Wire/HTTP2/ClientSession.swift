import CLinux
import CNghttp2

/// An HTTP/2 client connection as a state machine over nghttp2: bytes in
/// (``receive(_:)``), events out (``ClientSessionDelegate``), bytes to send out
/// (``drainOutput(into:)``). No sockets, no threads.
///
/// *Threading*: not `Sendable`; created, used and released on one thread.
/// The session retains its delegate; the delegate must drop the session to end the cycle.
/// *Invariants*: `session` is valid from a successful `init` until `deinit`; `openStreams`
/// counts the streams submitted and not yet reported closed; `bodies` holds a cursor for each
/// of them with a request body, whose slot (+ 1) is the stream's nghttp2 user data and its data
/// source's pointer bits.
public final class ClientSession {
    /// The nghttp2 session (`nghttp2_session *`); deleted in `deinit`.
    private var session: OpaquePointer?
    /// The session's allocator (`CLinux_pool *`, through `nghttp2_mem`): freed small blocks are
    /// reused without glibc. Deleted in `deinit`, after the session.
    private let pool: OpaquePointer?
    /// Owner of this session (typically the connection), held strongly: calling an existential
    /// behind `unowned(unsafe)` still retained and released it on every nghttp2 callback (about
    /// 1,000 instructions per 100-byte stream, by callgrind), a `let` does not. The owner breaks
    /// the cycle by dropping the session when it closes (``ClientConnection`` does in `closeSocket`).
    let delegate: any ClientSessionDelegate
    /// Request bodies being sent, by slot (streams with a body only). The slot travels with the
    /// stream in nghttp2 (stream user data and data source), so no lookup hashes the stream id:
    /// a dictionary by id hashed it three times per unary call (~270 instructions, by callgrind).
    private var bodies: [ClientStream?] = []
    /// Free slots of `bodies` (those holding nil).
    private var freeBodySlots: [Int] = []
    /// Streams submitted and not yet closed (``streamCount``).
    private var openStreams = 0
    /// Scratch for request header blocks.
    private let headerBlock = HeaderBlockBuilder()

    /// Creates a client session and queues the connection preface and SETTINGS
    /// (and the connection WINDOW_UPDATE when ``HTTP2Settings/connectionWindowSize`` > 65,535).
    ///
    /// - Parameter autoWindowUpdate: when `false`, receive-window credit is returned only
    ///   through ``consume(stream:bytes:)`` (`nghttp2_option_set_no_auto_window_update`).
    public init(settings: HTTP2Settings, delegate: any ClientSessionDelegate, autoWindowUpdate: Bool = true) throws(HTTP2Error) {
        self.delegate = delegate
        pool = CLinux_pool_new()
        var callbacks: OpaquePointer?
        var rv = nghttp2_session_callbacks_new(&callbacks)
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_session_callbacks_new") }
        defer { nghttp2_session_callbacks_del(callbacks) }
        ClientSession.installCallbacks(callbacks)

        var option: OpaquePointer?
        rv = nghttp2_option_new(&option)
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_option_new") }
        defer { nghttp2_option_del(option) }
        if !autoWindowUpdate { nghttp2_option_set_no_auto_window_update(option, 1) }

        // nghttp2 copies `mem` into the session.
        var mem = nghttp2_mem(mem_user_data: UnsafeMutableRawPointer(pool), malloc: CLinux_pool_malloc, free: CLinux_pool_free,
                              calloc: CLinux_pool_calloc, realloc: CLinux_pool_realloc)
        rv = nghttp2_session_client_new3(&session, callbacks, Unmanaged.passUnretained(self).toOpaque(), option, &mem)
        if rv != 0 { throw HTTP2Error(libraryCode: rv, operation: "nghttp2_session_client_new3") }
        try settings.submit(to: session!, disablePush: true)
    }

    deinit {
        nghttp2_session_del(session)
        CLinux_pool_del(pool)
    }

    // MARK: - Requests

    /// Submits a request; `body` (may be empty) is sent as DATA with END_STREAM, or
    /// END_STREAM goes on HEADERS when it is empty. Returns the stream id.
    ///
    /// `scheme` is referenced, not copied; `method`, `authority`, `path` and `extraHeaders`
    /// (lowercase names) are packed into one reused buffer. `grpcTimeout`, when
    /// given, is written as the `grpc-timeout` field (no allocation).
    public func submitRequest(method: String, scheme: StaticString, authority: String, path: String,
                              extraHeaders: [HeaderField], body: [UInt8],
                              grpcTimeout: GRPCTimeout? = nil) throws(HTTP2Error) -> Int32 {
        let block = headerBlock
        block.begin(fieldCount: 5 + extraHeaders.count,
                    dynamicBytes: method.utf8.count + authority.utf8.count + path.utf8.count + HeaderBlockBuilder.dynamicByteCount(extraHeaders))
        block.add(name: ":method", value: method)
        block.addStatic(name: ":scheme", value: scheme)
        block.add(name: ":authority", value: authority)
        block.add(name: ":path", value: path)
        block.add(extraHeaders)
        if let grpcTimeout { block.add(name: "grpc-timeout", decimal: grpcTimeout.value, suffix: grpcTimeout.unit) }
        return try submit(block.pointer, count: block.count, body: body)
    }

    /// Submits a request whose header block was built once (``PreparedRequest``); with a
    /// `grpcTimeout`, the block is copied into scratch space with `grpc-timeout` after it.
    /// Returns the stream id. `request` must outlive this session.
    public func submitRequest(_ request: PreparedRequest, grpcTimeout: GRPCTimeout? = nil) throws(HTTP2Error) -> Int32 {
        var fields = UnsafePointer(request.fields)
        var count = request.count
        if let grpcTimeout {
            let block = headerBlock
            block.begin(fieldCount: count + 1, dynamicBytes: 0)
            block.add(fields: fields, count: count)
            block.add(name: "grpc-timeout", decimal: grpcTimeout.value, suffix: grpcTimeout.unit)
            fields = block.pointer
            count = block.count
        }
        return try submit(fields, count: count, body: request.body)
    }

    /// Submits a header block (`count` fields) and `body` (END_STREAM on HEADERS when empty),
    /// and tracks the stream; the one path both `submitRequest`s take.
    private func submit(_ fields: UnsafePointer<nghttp2_nv>, count: Int, body: [UInt8]) throws(HTTP2Error) -> Int32 {
        let streamID: Int32
        if body.isEmpty {
            streamID = nghttp2_submit_request(session, nil, fields, count, nil, nil)
        } else {
            let slot: Int
            if let free = freeBodySlots.popLast() {
                slot = free
                bodies[slot] = ClientStream(body: body)
            } else {
                slot = bodies.count
                bodies.append(ClientStream(body: body))
            }
            let tag = UnsafeMutableRawPointer(bitPattern: slot + 1)
            var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: tag), read_callback: clientReadBody)
            streamID = nghttp2_submit_request(session, nil, fields, count, &provider, tag)
            if streamID < 0 { releaseBody(slot: slot) }
        }
        if streamID < 0 { throw HTTP2Error(libraryCode: streamID, operation: "nghttp2_submit_request") }
        openStreams += 1
        return streamID
    }

    /// Returns `bytes` of receive-window credit on `stream` only (`nghttp2_session_consume_stream`);
    /// only meaningful with `autoWindowUpdate == false`.
    public func consumeStream(_ stream: Int32, bytes: Int) {
        guard bytes > 0 else { return }
        _ = nghttp2_session_consume_stream(session, stream, bytes)
    }

    /// Returns `bytes` of receive-window credit on the connection only
    /// (`nghttp2_session_consume_connection`); only meaningful with `autoWindowUpdate == false`.
    public func consumeConnection(bytes: Int) {
        guard bytes > 0 else { return }
        _ = nghttp2_session_consume_connection(session, bytes)
    }

    /// Queues RST_STREAM for `stream` (e.g. CANCEL = 8). Unknown or closed streams are ignored.
    public func resetStream(_ stream: Int32, errorCode: HTTP2ErrorCode) {
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream, errorCode.rawValue)
    }

    /// Queues a PING.
    public func submitPing() {
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// Queues GOAWAY with `errorCode` and the last stream this session processed; the
    /// session then stops reading and writing once it is sent (`nghttp2_session_terminate_session`).
    public func terminate(errorCode: HTTP2ErrorCode) {
        _ = nghttp2_session_terminate_session(session, errorCode.rawValue)
    }

    /// Returns `bytes` of receive-window credit for `stream` and the connection
    /// (`nghttp2_session_consume`); only meaningful with `autoWindowUpdate == false`.
    /// Credit for the connection is returned even when the stream has closed.
    public func consume(stream: Int32, bytes: Int) {
        guard bytes > 0 else { return }
        _ = nghttp2_session_consume(session, stream, bytes)
    }

    // MARK: - I/O

    /// Feeds bytes read from the socket (`nghttp2_session_mem_recv`, whole buffer).
    /// Delegate events fire during the call. Throws when the peer broke the protocol
    /// beyond recovery; the connection should then be closed.
    public func receive(_ bytes: UnsafeRawBufferPointer) throws(HTTP2Error) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        let rv = nghttp2_session_mem_recv(session, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        if rv < 0 { throw HTTP2Error(libraryCode: Int32(truncatingIfNeeded: rv), operation: "nghttp2_session_mem_recv") }
    }

    /// Appends all pending output to `out` (`nghttp2_session_mem_send` until it returns 0)
    /// and returns the number of bytes appended.
    public func drainOutput(into out: inout OutputBuffer) throws(HTTP2Error) -> Int {
        let before = out.readableBytes
        var chunk: UnsafePointer<UInt8>?
        var failure = 0
        while true {
            let n = nghttp2_session_mem_send(session, &chunk)
            if n <= 0 { failure = n; break }
            // Valid only until the next call into the session: copy it now.
            out.append(UnsafeRawBufferPointer(start: chunk, count: n))
        }
        if failure < 0 { throw HTTP2Error(libraryCode: Int32(truncatingIfNeeded: failure), operation: "nghttp2_session_mem_send") }
        return out.readableBytes - before
    }

    /// True while the session expects more input (`nghttp2_session_want_read`).
    public var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }
    /// True while the session has output to send (`nghttp2_session_want_write`).
    public var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    // MARK: - State

    /// The peer's `SETTINGS_MAX_CONCURRENT_STREAMS` (`nghttp2_session_get_remote_settings`);
    /// nghttp2 assumes 100 until the peer's SETTINGS arrive, and 4,294,967,295 (unlimited)
    /// when the peer announces none. Requests above the limit wait inside nghttp2.
    public var remoteMaxConcurrentStreams: Int {
        Int(nghttp2_session_get_remote_settings(session, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS))
    }

    /// Bytes the peer may still send on `stream` before it needs a WINDOW_UPDATE
    /// (`nghttp2_session_get_stream_local_window_size`); 0 for unknown streams.
    public func streamReceiveWindow(_ stream: Int32) -> Int {
        Int(max(0, nghttp2_session_get_stream_local_window_size(session, stream)))
    }

    /// Bytes the peer may still send on the connection before it needs a WINDOW_UPDATE
    /// (`nghttp2_session_get_local_window_size`).
    public var connectionReceiveWindow: Int {
        Int(max(0, nghttp2_session_get_local_window_size(session)))
    }

    /// Streams submitted and not yet closed.
    public var streamCount: Int { openStreams }

    /// Whether frame events carry the receive windows right after each frame
    /// (``FrameEvent/connectionWindow``, ``FrameEvent/streamWindow``). Off by default: the
    /// lookups are only worth their cost to a frame trace.
    public var reportsWindows = false

    /// Which response header fields reach ``ClientSessionDelegate/responseHeader(stream:name:value:isTrailer:)``,
    /// by name length: bit `n` set delivers names of `n` bytes (bit 63: 63 bytes and longer).
    /// All by default. A delegate that reads only a few known fields sets their lengths
    /// (``headerLengthMask(for:)``) and still checks the name: the other fields are then dropped
    /// in the nghttp2 callback itself, before any Swift call (nghttpd sends eight header fields
    /// per response; the driver reads two).
    public var responseHeaderLengths: UInt64 = ~0

    /// The ``responseHeaderLengths`` mask that delivers the fields with these names' lengths.
    public static func headerLengthMask(for names: [StaticString]) -> UInt64 {
        names.reduce(0) { $0 | 1 << UInt64(min($1.utf8CodeUnitCount, 63)) }
    }

    /// Whether a header field whose name has `length` bytes is delivered.
    @inline(__always)
    func deliversHeader(nameLength length: Int) -> Bool {
        responseHeaderLengths & 1 << UInt64(min(length, 63)) != 0
    }

    // MARK: - Callback handlers (called by the trampolines in ClientSession+Callbacks.swift)

    /// The header of the frame nghttp2 is reading, until the frame (for HEADERS: its whole
    /// header block) has been received or rejected.
    private var inboundFrame = nghttp2_frame_hd()
    var inboundFrameOpen = false

    /// The frame that had begun but not ended when the input stopped, for a connection that
    /// ends mid-frame: `a DATA frame on stream 1 (1024-byte payload)`; nil between frames.
    public var frameInProgress: String? {
        guard inboundFrameOpen else { return nil }
        return "a \(HTTP2Names.frameType(inboundFrame.type)) frame on stream \(inboundFrame.stream_id) (\(inboundFrame.length)-byte payload)"
    }

    func handleFrameBegun(_ header: nghttp2_frame_hd) {
        // A CONTINUATION belongs to the HEADERS that began its block: keep naming that one.
        if header.type != UInt8(NGHTTP2_CONTINUATION.rawValue) || !inboundFrameOpen { inboundFrame = header }
        inboundFrameOpen = true
    }

    func handleFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) {
        inboundFrameOpen = false
        var event = FrameEvent(.received, frame)
        if reportsWindows { addWindows(&event) }
        delegate.frame(event)
        let endStream = event.flags & FrameEvent.Flag.endStream != 0
        switch event.type {
        case FrameEvent.Kind.headers:
            let isTrailer = frame.pointee.headers.cat == NGHTTP2_HCAT_HEADERS && endStream
            delegate.responseHeadersComplete(stream: event.streamID, isTrailer: isTrailer, endStream: endStream)
            if endStream { delegate.streamEnded(stream: event.streamID) }
        case FrameEvent.Kind.data:
            if endStream { delegate.streamEnded(stream: event.streamID) }
        case FrameEvent.Kind.rstStream:
            delegate.resetReceived(stream: event.streamID, errorCode: event.errorCode)
        case FrameEvent.Kind.goaway:
            let goaway = frame.pointee.goaway
            delegate.goawayReceived(lastStreamID: goaway.last_stream_id, errorCode: HTTP2ErrorCode(rawValue: goaway.error_code),
                                    debug: UnsafeRawBufferPointer(start: goaway.opaque_data, count: goaway.opaque_data_len))
        default:
            break
        }
    }

    func handleHeader(_ frame: UnsafePointer<nghttp2_frame>, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        // Trailers are a HEADERS block after the response that ends the stream (a block
        // after a 1xx response without END_STREAM is the final response, not trailers).
        let isTrailer = frame.pointee.headers.cat == NGHTTP2_HCAT_HEADERS
            && frame.pointee.hd.flags & FrameEvent.Flag.endStream != 0
        delegate.responseHeader(stream: frame.pointee.hd.stream_id, name: name, value: value, isTrailer: isTrailer)
    }

    func handleFrameSent(_ frame: UnsafePointer<nghttp2_frame>) {
        var event = FrameEvent(.sent, frame)
        if reportsWindows { addWindows(&event) }
        delegate.frame(event)
        if event.type == FrameEvent.Kind.goaway, frame.pointee.goaway.opaque_data_len > 0 {
            // nghttp2 writes the rule the peer broke into its GOAWAY's debug data ("DATA: stream in idle").
            let debug = UnsafeRawBufferPointer(start: frame.pointee.goaway.opaque_data, count: frame.pointee.goaway.opaque_data_len)
            delegate.sessionError(String(decoding: debug, as: UTF8.self))
        }
    }

    /// Fills the event's receive windows (two nghttp2 lookups; only for frame traces).
    private func addWindows(_ event: inout FrameEvent) {
        event.connectionWindow = Int32(clamping: max(0, nghttp2_session_get_local_window_size(session)))
        if event.streamID != 0 {
            event.streamWindow = Int32(clamping: max(0, nghttp2_session_get_stream_local_window_size(session, event.streamID)))
        }
    }

    func handleStreamClosed(_ stream: Int32, errorCode: HTTP2ErrorCode) {
        if freeBodySlots.count < bodies.count, let tag = nghttp2_session_get_stream_user_data(session, stream) {
            releaseBody(slot: Int(bitPattern: tag) - 1)
        }
        openStreams = max(0, openStreams - 1)
        delegate.streamClosed(stream: stream, errorCode: errorCode)
    }

    /// Copies the next body chunk of the stream whose body is in slot `tag` - 1 (its data
    /// source's pointer bits) into `buffer`; returns the byte count or an nghttp2 error.
    func readBody(tag: UnsafeMutableRawPointer?, into buffer: UnsafeMutablePointer<UInt8>, capacity: Int, flags: UnsafeMutablePointer<UInt32>) -> Int {
        let slot = Int(bitPattern: tag) - 1
        guard holdsBody(slot) else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let (count, finished) = bodies[slot]!.read(into: buffer, capacity: capacity)
        if finished { flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue }
        return count
    }

    /// Whether `slot` holds a body still being sent.
    @inline(__always)
    private func holdsBody(_ slot: Int) -> Bool {
        slot >= 0 && slot < bodies.count && bodies[slot] != nil
    }

    /// Frees a body slot (its stream closed, or its submission failed).
    private func releaseBody(slot: Int) {
        guard holdsBody(slot) else { return }
        bodies[slot] = nil
        freeBodySlots.append(slot)
    }
}

struct ClientStream {
    var body: [UInt8]
    var sent = 0

    init(body: [UInt8]) { self.body = body }

    /// Copies up to `capacity` unsent body bytes; `finished` once the whole body is out.
    mutating func read(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> (count: Int, finished: Bool) {
        let count = min(capacity, body.count - sent)
        if count > 0 {
            body.withUnsafeBufferPointer { source in
                buffer.update(from: source.baseAddress! + sent, count: count)
            }
            sent += count
        }
        return (count, sent == body.count)
    }
}
