import CNghttp2

/// A request's header block, built once and submitted for many streams
/// (``ClientSession/submitRequest(_:grpcTimeout:)``): the pseudo-headers and extra fields as an
/// `nghttp2_nv` array over one byte buffer, flagged so that nghttp2 references the bytes
/// instead of copying them.
///
/// Building the block per stream (copying method, authority, path and every header, then
/// nghttp2 copying them again) was about 600 instructions per 100-byte stream, by callgrind.
///
/// *Lifetime*: nghttp2 keeps pointers into the buffer until a stream's HEADERS are sent, so a
/// prepared request must outlive every session it was submitted to (the driver's worker owns
/// them and closes its connections first).
/// *Threading*: immutable after `init`; used by the sessions of one worker thread.
public final class PreparedRequest {
    /// The fields, `count` of them.
    let fields: UnsafeMutablePointer<nghttp2_nv>
    /// Number of fields.
    let count: Int
    private let bytes: UnsafeMutablePointer<UInt8>
    /// The request body (empty: END_STREAM on HEADERS).
    public let body: [UInt8]

    /// `:method`, `:scheme`, `:authority`, `:path`, then `extraHeaders` (lowercase names), in order.
    public init(method: String, scheme: StaticString, authority: String, path: String, extraHeaders: [HeaderField], body: [UInt8]) {
        let pairs = [(":method", method), (":scheme", scheme.description), (":authority", authority), (":path", path)]
            + extraHeaders.map { ($0.name, $0.value) }
        let total = pairs.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count }
        count = pairs.count
        fields = .allocate(capacity: pairs.count)
        bytes = .allocate(capacity: max(total, 1))
        self.body = body
        let flags = UInt8(NGHTTP2_NV_FLAG_NO_COPY_NAME.rawValue | NGHTTP2_NV_FLAG_NO_COPY_VALUE.rawValue)
        var used = 0
        func store(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
            let start = bytes + used
            for byte in text.utf8 {
                bytes[used] = byte
                used += 1
            }
            return (start, used - (start - bytes))
        }
        for (index, (name, value)) in pairs.enumerated() {
            let (namePointer, nameLength) = store(name)
            let (valuePointer, valueLength) = store(value)
            fields[index] = nghttp2_nv(name: namePointer, value: valuePointer, namelen: nameLength, valuelen: valueLength, flags: flags)
        }
    }

    deinit {
        fields.deallocate()
        bytes.deallocate()
    }
}
